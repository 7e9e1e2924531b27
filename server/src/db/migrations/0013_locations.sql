-- The shop's store locations by name, from the Shopify Admin API: the admin lists them to pair a tablet
-- and the tablet shows the name, never a bare gid://shopify/Location/… ID.
CREATE TABLE "locations" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "locations_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
