ALTER TABLE "profiles" ADD COLUMN "consent_email" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "profiles" ADD COLUMN "consent_sms" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "profiles" ADD COLUMN "consent_whatsapp" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "profiles" ADD COLUMN "consent_push" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "messages_shop_at" ON "messages" USING btree ("shop_id","at");--> statement-breakpoint
-- Backfill from the ledger, the order of shared compareConsentEntries: per channel the deciding row is the
-- latest by acted time (milliseconds, as the server reads it), a revocation last on a tie, then receipt
-- time, then id; an "all" revocation applies to every channel, an "all" grant to none. Erased stubs belong to no one.
WITH decided AS (
  SELECT DISTINCT ON (c.shop_id, c.profile_id, ch.channel)
         c.shop_id, c.profile_id, ch.channel, (c.channel = ch.channel AND c.action = 'granted') AS granted
  FROM "consents" c
  JOIN (VALUES ('email'), ('sms'), ('whatsapp'), ('push')) AS ch(channel)
    ON c.channel = ch.channel OR (c.channel = 'all' AND c.action = 'revoked')
  WHERE c.profile_id <> 'erased'
  ORDER BY c.shop_id, c.profile_id, ch.channel, date_trunc('milliseconds', c.acted_at) DESC, (c.action = 'revoked') DESC,
           date_trunc('milliseconds', c.received_at) DESC, c.id COLLATE "C" DESC
),
flags AS (
  SELECT shop_id, profile_id,
         bool_or(granted) FILTER (WHERE channel = 'email') AS email, bool_or(granted) FILTER (WHERE channel = 'sms') AS sms,
         bool_or(granted) FILTER (WHERE channel = 'whatsapp') AS whatsapp, bool_or(granted) FILTER (WHERE channel = 'push') AS push
  FROM decided GROUP BY shop_id, profile_id
)
UPDATE "profiles" p SET "consent_email" = coalesce(f.email, false), "consent_sms" = coalesce(f.sms, false),
       "consent_whatsapp" = coalesce(f.whatsapp, false), "consent_push" = coalesce(f.push, false)
FROM flags f
WHERE p.shop_id = f.shop_id AND p.id = f.profile_id
  AND (f.email OR f.sms OR f.whatsapp OR f.push);
