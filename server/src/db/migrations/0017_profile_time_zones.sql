-- The zones a shop's customers live in, read by the audience gate before its one scan of the audience (#21):
-- each zone is one probe of this index, where a DISTINCT would be a second full scan of the shop's profiles.
CREATE INDEX IF NOT EXISTS "profiles_shop_time_zone" ON "profiles" USING btree ("shop_id","time_zone");
