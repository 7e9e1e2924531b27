CREATE TABLE "consent_texts" (
	"shop_id" text NOT NULL,
	"channel" text NOT NULL,
	"locale" text NOT NULL,
	"version" integer NOT NULL,
	"text" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consent_texts_shop_id_channel_locale_version_pk" PRIMARY KEY("shop_id","channel","locale","version")
);
--> statement-breakpoint
CREATE TABLE "consents" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"seq" bigint NOT NULL,
	"profile_id" text NOT NULL,
	"channel" text NOT NULL,
	"action" text NOT NULL,
	"text_version" integer,
	"text" text,
	"locale" text,
	"acted_at" timestamp with time zone NOT NULL,
	"device_time" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"clamped" boolean DEFAULT false NOT NULL,
	"source" text NOT NULL,
	"location_id" text,
	"device_id" text,
	"staff_id" text,
	"jurisdiction" text,
	"prev_hash" text,
	"hash" text NOT NULL,
	CONSTRAINT "consents_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "data_requests" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"profile_id" text,
	"document" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "data_requests_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "dead_letters" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"kind" text NOT NULL,
	"ref" text NOT NULL,
	"attempts" integer NOT NULL,
	"last_error" text NOT NULL,
	"failed_at" timestamp with time zone NOT NULL,
	"retried_at" timestamp with time zone,
	CONSTRAINT "dead_letters_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "devices" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"location_id" text,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"last_sync_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "devices_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "identifiers" (
	"shop_id" text NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"profile_id" text NOT NULL,
	"source" text NOT NULL,
	"event_id" text,
	"linked_at" timestamp with time zone NOT NULL,
	CONSTRAINT "identifiers_shop_id_kind_value_pk" PRIMARY KEY("shop_id","kind","value")
);
--> statement-breakpoint
CREATE TABLE "identity_events" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"source" text NOT NULL,
	"identifiers" jsonb NOT NULL,
	"profile_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "identity_events_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"kind" text NOT NULL,
	"ref" text NOT NULL,
	"run_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer DEFAULT 8 NOT NULL,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "jobs_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "loyalty_ledger" (
	"shop_id" text NOT NULL,
	"entry_key" text NOT NULL,
	"profile_id" text NOT NULL,
	"kind" text NOT NULL,
	"points" integer NOT NULL,
	"order_id" text,
	"reason" text,
	"staff_id" text,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "loyalty_ledger_shop_id_entry_key_pk" PRIMARY KEY("shop_id","entry_key")
);
--> statement-breakpoint
CREATE TABLE "merge_candidates" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"profile_id" text NOT NULL,
	"other_profile_id" text NOT NULL,
	"kind" text NOT NULL,
	"reason" text NOT NULL,
	"evidence" jsonb NOT NULL,
	"score" real,
	"status" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by" text,
	CONSTRAINT "merge_candidates_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "merges" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"survivor_id" text NOT NULL,
	"merged_id" text NOT NULL,
	"evidence" jsonb NOT NULL,
	"event_id" text,
	"reason" text NOT NULL,
	"auto" boolean NOT NULL,
	"decided_by" text,
	"snapshot" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"undone_at" timestamp with time zone,
	CONSTRAINT "merges_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"profile_id" text NOT NULL,
	"channel" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"reason" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "messages_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "order_lines" (
	"shop_id" text NOT NULL,
	"order_id" text NOT NULL,
	"line_id" text NOT NULL,
	"product_id" text,
	"variant_id" text,
	"title" text NOT NULL,
	"quantity" integer NOT NULL,
	"price" numeric(14, 2) NOT NULL,
	CONSTRAINT "order_lines_shop_id_order_id_line_id_pk" PRIMARY KEY("shop_id","order_id","line_id")
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"shop_id" text NOT NULL,
	"order_id" text NOT NULL,
	"profile_id" text,
	"shopify_customer_id" text,
	"email" text,
	"phone" text,
	"total" numeric(14, 2) NOT NULL,
	"currency" text NOT NULL,
	"source_name" text,
	"location_id" text,
	"placed_at" timestamp with time zone NOT NULL,
	"cancelled_at" timestamp with time zone,
	"shopify_updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "orders_shop_id_order_id_pk" PRIMARY KEY("shop_id","order_id")
);
--> statement-breakpoint
CREATE TABLE "pairing_codes" (
	"shop_id" text NOT NULL,
	"code" text NOT NULL,
	"location_id" text,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_by" text,
	CONSTRAINT "pairing_codes_shop_id_code_pk" PRIMARY KEY("shop_id","code")
);
--> statement-breakpoint
CREATE TABLE "profile_changes" (
	"shop_id" text NOT NULL,
	"profile_id" text NOT NULL,
	"version" bigint NOT NULL,
	"kind" text NOT NULL,
	"changed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "profile_changes_shop_id_profile_id_pk" PRIMARY KEY("shop_id","profile_id")
);
--> statement-breakpoint
CREATE TABLE "profiles" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"merged_into" text,
	"first_name" text,
	"last_name" text,
	"birthday" text,
	"postcode" text,
	"address1" text,
	"time_zone" text,
	"note" text,
	"field_times" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"order_count" integer DEFAULT 0 NOT NULL,
	"lifetime_spend" numeric(14, 2) DEFAULT 0 NOT NULL,
	"pos_spend" numeric(14, 2) DEFAULT 0 NOT NULL,
	"online_spend" numeric(14, 2) DEFAULT 0 NOT NULL,
	"first_order_at" timestamp with time zone,
	"last_order_at" timestamp with time zone,
	"preferred_location_id" text,
	"visit_count" integer DEFAULT 0 NOT NULL,
	"last_visit_at" timestamp with time zone,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_activity_at" timestamp with time zone,
	"lifecycle_stage" text DEFAULT 'new' NOT NULL,
	"rfm_r" smallint,
	"rfm_f" smallint,
	"rfm_m" smallint,
	"churn_risk" real,
	"ltv_predicted_90d" numeric(14, 2),
	"next_order_at" timestamp with time zone,
	"engagement_score" real,
	"loyalty_points" integer DEFAULT 0 NOT NULL,
	"loyalty_tier" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "profiles_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "refunds" (
	"shop_id" text NOT NULL,
	"refund_id" text NOT NULL,
	"order_id" text NOT NULL,
	"amount" numeric(14, 2) NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "refunds_shop_id_refund_id_pk" PRIMARY KEY("shop_id","refund_id")
);
--> statement-breakpoint
CREATE TABLE "shops" (
	"shop_id" text PRIMARY KEY NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"installed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"uninstalled_at" timestamp with time zone,
	"change_version" bigint DEFAULT 0 NOT NULL,
	"changes_pruned_before" bigint DEFAULT 0 NOT NULL,
	"consent_seq" bigint DEFAULT 0 NOT NULL,
	"consent_head_hash" text,
	"rfm_breaks" jsonb
);
--> statement-breakpoint
CREATE TABLE "sync_clients" (
	"shop_id" text NOT NULL,
	"client_id" text NOT NULL,
	"device_id" text NOT NULL,
	"last_seq" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sync_clients_shop_id_client_id_pk" PRIMARY KEY("shop_id","client_id")
);
--> statement-breakpoint
CREATE TABLE "sync_mutations" (
	"shop_id" text NOT NULL,
	"mutation_id" text NOT NULL,
	"client_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"applied_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sync_mutations_shop_id_mutation_id_pk" PRIMARY KEY("shop_id","mutation_id")
);
--> statement-breakpoint
CREATE TABLE "visits" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"profile_id" text NOT NULL,
	"source" text NOT NULL,
	"location_id" text,
	"staff_id" text,
	"device_id" text,
	"at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "visits_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"shop_id" text NOT NULL,
	"delivery_id" text NOT NULL,
	"topic" text NOT NULL,
	"webhook_id" text,
	"payload" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"processed_at" timestamp with time zone,
	CONSTRAINT "webhook_deliveries_shop_id_delivery_id_pk" PRIMARY KEY("shop_id","delivery_id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "consents_shop_seq" ON "consents" USING btree ("shop_id","seq");--> statement-breakpoint
CREATE INDEX "consents_profile" ON "consents" USING btree ("shop_id","profile_id");--> statement-breakpoint
CREATE INDEX "identifiers_profile" ON "identifiers" USING btree ("shop_id","profile_id");--> statement-breakpoint
CREATE INDEX "identity_events_profile" ON "identity_events" USING btree ("shop_id","profile_id");--> statement-breakpoint
CREATE UNIQUE INDEX "jobs_kind_ref" ON "jobs" USING btree ("shop_id","kind","ref");--> statement-breakpoint
CREATE INDEX "jobs_due" ON "jobs" USING btree ("run_at");--> statement-breakpoint
CREATE INDEX "loyalty_profile" ON "loyalty_ledger" USING btree ("shop_id","profile_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "merge_candidates_pair" ON "merge_candidates" USING btree ("shop_id","profile_id","other_profile_id");--> statement-breakpoint
CREATE INDEX "merge_candidates_open" ON "merge_candidates" USING btree ("shop_id","status");--> statement-breakpoint
CREATE INDEX "merges_survivor" ON "merges" USING btree ("shop_id","survivor_id");--> statement-breakpoint
CREATE INDEX "messages_profile" ON "messages" USING btree ("shop_id","profile_id","at");--> statement-breakpoint
CREATE INDEX "orders_profile" ON "orders" USING btree ("shop_id","profile_id","placed_at");--> statement-breakpoint
CREATE INDEX "pairing_codes_code" ON "pairing_codes" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "profile_changes_version" ON "profile_changes" USING btree ("shop_id","version");--> statement-breakpoint
CREATE INDEX "profiles_shop_stage" ON "profiles" USING btree ("shop_id","lifecycle_stage");--> statement-breakpoint
CREATE INDEX "profiles_shop_name" ON "profiles" USING btree ("shop_id",lower("last_name"),lower("first_name"));--> statement-breakpoint
CREATE INDEX "refunds_order" ON "refunds" USING btree ("shop_id","order_id");--> statement-breakpoint
CREATE INDEX "sync_mutations_client" ON "sync_mutations" USING btree ("shop_id","client_id","seq");--> statement-breakpoint
CREATE INDEX "visits_profile" ON "visits" USING btree ("shop_id","profile_id","at");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_status" ON "webhook_deliveries" USING btree ("shop_id","status");