-- What the register shows of a customer beyond the profile row (identifiers, consent rows, the last 5 orders with
-- their product titles), kept as one jsonb per profile (#21). The register lookup gathered it with sub-selects on
-- every call, over twice the PostgreSQL time of reading the profile itself; now it reads one row. Open duplicates
-- are still counted by the lookup (two index probes): the whole-shop duplicate pass proposes tens of thousands of
-- candidates in statements of 2,000, and keeping a count in the summary rewrote each profile's summary once per
-- statement naming it (the backfill bench's pass went from 8 s to 22 s).
-- In a table of its own rather than a column of profiles: every reader of whole profile rows (SELECT *, the merge
-- snapshot, the GDPR export's to_jsonb) would otherwise carry and parse it, and an undo would restore the
-- snapshot's stale copy.
--
-- The database keeps it: statement-level AFTER triggers on every table it is made of recompute the summaries of
-- the profiles a statement touched, once per statement (batch ingest and the identity backfill write thousands of
-- rows per statement), inside the writer's own transaction. Every writer of a shop holds the shop's row lock
-- (withShopLock), so a summary computed in a writer's statement sees every write committed before it.
-- A profile without a row here (made after its rows, or brought back by an undo) is answered from the same
-- function at read time, so the lookup's answer never depends on whether the row exists yet.
CREATE TABLE "register_summaries" (
	"shop_id" text NOT NULL,
	"profile_id" text NOT NULL,
	"summary" jsonb NOT NULL,
	CONSTRAINT "register_summaries_shop_id_profile_id_pk" PRIMARY KEY("shop_id","profile_id")
);--> statement-breakpoint
-- The register's answer as the lookup computed it before, in the same orders (jsonb keeps array order), for many
-- profiles in one query: a scalar SQL function with sub-selects is never inlined, and running its plan once per
-- profile cost twice the time of this set. It runs inside writers' statements, often right after a bulk insert
-- and before any ANALYZE: on statistics that call a table empty the planner scanned all of it once per profile
-- (seconds per statement beside a shop's 86,000 candidates), so it plans with index scans only; and without JIT,
-- which spent 100 ms compiling per statement for what runs in a few.
CREATE FUNCTION c360_register_summaries(summary_shops text[], summary_profiles text[])
RETURNS TABLE (shop_id text, profile_id text, summary jsonb) LANGUAGE sql STABLE
SET enable_seqscan = off SET jit = off AS $$
  SELECT k.shop_id, k.profile_id, jsonb_build_object(
    'ids', (SELECT coalesce(jsonb_agg(jsonb_build_object('kind', i.kind, 'value', i.value)
                ORDER BY i.linked_at, i.kind, i.value), '[]'::jsonb)
              FROM identifiers i WHERE i.shop_id = k.shop_id AND i.profile_id = k.profile_id),
    'consent_rows', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'channel', c.channel,
                'action', c.action, 'acted_at', c.acted_at, 'received_at', c.received_at) ORDER BY c.seq), '[]'::jsonb)
              FROM consents c WHERE c.shop_id = k.shop_id AND c.profile_id = k.profile_id),
    'recent_orders', (SELECT coalesce(jsonb_agg(jsonb_build_object('order_id', r.order_id, 'placed_at', r.placed_at,
                'total', r.total,
                'products', (SELECT jsonb_agg(l.title ORDER BY l.line_id) FROM order_lines l
                  WHERE l.shop_id = k.shop_id AND l.order_id = r.order_id))
                ORDER BY r.placed_at DESC, r.order_id), '[]'::jsonb)
              FROM (SELECT o.order_id, o.placed_at, o.total FROM orders o
                    WHERE o.shop_id = k.shop_id AND o.profile_id = k.profile_id AND o.cancelled_at IS NULL
                    ORDER BY o.placed_at DESC, o.order_id LIMIT 5) r))
  FROM (SELECT DISTINCT t.shop_id, t.profile_id FROM unnest(summary_shops, summary_profiles) AS t(shop_id, profile_id)
        WHERE t.profile_id IS NOT NULL) k
$$;--> statement-breakpoint
-- One profile's summary: what the lookup answers for a profile that has no kept one.
CREATE FUNCTION c360_register_summary(summary_shop text, summary_profile text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT s.summary FROM c360_register_summaries(ARRAY[summary_shop], ARRAY[summary_profile]) s
$$;--> statement-breakpoint
-- Recomputes the summaries of the given profiles, once each; profiles that no longer exist get none (a shop
-- redaction deletes profiles first, so deleting their rows afterwards recomputes nothing). Unchanged summaries
-- are not rewritten.
CREATE FUNCTION c360_refresh_register_summaries(touched_shops text[], touched_profiles text[]) RETURNS void
LANGUAGE sql VOLATILE AS $$
  INSERT INTO register_summaries (shop_id, profile_id, summary)
  SELECT s.shop_id, s.profile_id, s.summary
    FROM (SELECT array_agg(t.shop_id) AS shops, array_agg(t.profile_id) AS ids
            FROM unnest(touched_shops, touched_profiles) AS t(shop_id, profile_id)
            WHERE EXISTS (SELECT 1 FROM profiles p WHERE p.shop_id = t.shop_id AND p.id = t.profile_id)) live,
      LATERAL c360_register_summaries(live.shops, live.ids) s
  ON CONFLICT (shop_id, profile_id) DO UPDATE SET summary = EXCLUDED.summary
    WHERE register_summaries.summary IS DISTINCT FROM EXCLUDED.summary
$$;--> statement-breakpoint
-- Tables whose rows carry the profile in profile_id: identifiers, consents, orders.
CREATE FUNCTION c360_register_summaries_by_profile() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM c360_refresh_register_summaries(array_agg(shop_id), array_agg(profile_id)) FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM c360_refresh_register_summaries(array_agg(shop_id), array_agg(profile_id)) FROM old_rows;
  ELSE
    -- A row moved between profiles (merge, undo, re-attribution) changes both.
    PERFORM c360_refresh_register_summaries(array_agg(shop_id), array_agg(profile_id))
      FROM (SELECT shop_id, profile_id FROM new_rows UNION SELECT shop_id, profile_id FROM old_rows) t;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
-- An order line shows as its order's product title: the profile is the order's.
CREATE FUNCTION c360_register_summaries_by_order_line() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM c360_refresh_register_summaries(array_agg(o.shop_id), array_agg(o.profile_id))
      FROM (SELECT DISTINCT shop_id, order_id FROM new_rows) l
      JOIN orders o ON o.shop_id = l.shop_id AND o.order_id = l.order_id;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM c360_refresh_register_summaries(array_agg(o.shop_id), array_agg(o.profile_id))
      FROM (SELECT DISTINCT shop_id, order_id FROM old_rows) l
      JOIN orders o ON o.shop_id = l.shop_id AND o.order_id = l.order_id;
  ELSE
    PERFORM c360_refresh_register_summaries(array_agg(o.shop_id), array_agg(o.profile_id))
      FROM (SELECT shop_id, order_id FROM new_rows UNION SELECT shop_id, order_id FROM old_rows) l
      JOIN orders o ON o.shop_id = l.shop_id AND o.order_id = l.order_id;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
-- A profile made after its identifiers (or restored by an undo) gets its summary when it has any identifier:
-- only then can the register find it. A deleted profile's summary goes with it.
CREATE FUNCTION c360_register_summaries_of_profiles() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM c360_refresh_register_summaries(array_agg(n.shop_id), array_agg(n.id)) FROM new_rows n
      WHERE EXISTS (SELECT 1 FROM identifiers i WHERE i.shop_id = n.shop_id AND i.profile_id = n.id);
  ELSE
    DELETE FROM register_summaries r USING old_rows o WHERE r.shop_id = o.shop_id AND r.profile_id = o.id;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER identifiers_register_insert AFTER INSERT ON identifiers REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION c360_register_summaries_by_profile();--> statement-breakpoint
CREATE TRIGGER identifiers_register_update AFTER UPDATE ON identifiers
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION c360_register_summaries_by_profile();--> statement-breakpoint
CREATE TRIGGER identifiers_register_delete AFTER DELETE ON identifiers REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION c360_register_summaries_by_profile();--> statement-breakpoint
CREATE TRIGGER consents_register_insert AFTER INSERT ON consents REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION c360_register_summaries_by_profile();--> statement-breakpoint
CREATE TRIGGER consents_register_update AFTER UPDATE ON consents
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION c360_register_summaries_by_profile();--> statement-breakpoint
CREATE TRIGGER consents_register_delete AFTER DELETE ON consents REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION c360_register_summaries_by_profile();--> statement-breakpoint
CREATE TRIGGER orders_register_insert AFTER INSERT ON orders REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION c360_register_summaries_by_profile();--> statement-breakpoint
CREATE TRIGGER orders_register_update AFTER UPDATE ON orders
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION c360_register_summaries_by_profile();--> statement-breakpoint
CREATE TRIGGER orders_register_delete AFTER DELETE ON orders REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION c360_register_summaries_by_profile();--> statement-breakpoint
CREATE TRIGGER order_lines_register_insert AFTER INSERT ON order_lines REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION c360_register_summaries_by_order_line();--> statement-breakpoint
CREATE TRIGGER order_lines_register_update AFTER UPDATE ON order_lines
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION c360_register_summaries_by_order_line();--> statement-breakpoint
CREATE TRIGGER order_lines_register_delete AFTER DELETE ON order_lines REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION c360_register_summaries_by_order_line();--> statement-breakpoint
CREATE TRIGGER profiles_register_insert AFTER INSERT ON profiles REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION c360_register_summaries_of_profiles();--> statement-breakpoint
CREATE TRIGGER profiles_register_delete AFTER DELETE ON profiles REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION c360_register_summaries_of_profiles();--> statement-breakpoint
INSERT INTO register_summaries (shop_id, profile_id, summary)
  SELECT s.shop_id, s.profile_id, s.summary
    FROM (SELECT array_agg(shop_id) AS shops, array_agg(id) AS ids FROM profiles) p,
      LATERAL c360_register_summaries(p.shops, p.ids) s;
