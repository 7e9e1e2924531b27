-- "Recompute now" from the admin: one row per request, so the dashboard can poll what happened to it
-- after its queue job is gone (jobs are deleted when they finish).
CREATE TABLE "shop_recomputes" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"profiles" integer,
	"changed" integer,
	"new_candidates" integer,
	CONSTRAINT "shop_recomputes_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
