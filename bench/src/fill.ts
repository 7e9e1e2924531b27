import type postgres from "postgres";

/**
 * Fills a shop up to `total` profiles with set-based SQL (generate_series), so the read paths and the
 * whole-shop passes can be measured at a million profiles without replaying a million customers'
 * webhooks. Rows look like resolved customers: a Shopify ID and an email each, a phone for most, order
 * aggregates, a third with consents, some with messages this week. Each first name is shared by ~1,000
 * people and each last name by 1,009, but no two people share both, and names and phones are spread by a hash
 * rather than counted up: `First886` and `First888` with phones one digit apart read as one person to the
 * fuzzy comparators, and the nightly pass's duplicate scan proposed tens of thousands of such pairs. The
 * duplicates row plants its own twins, in a shop of its own.
 */
export async function fillShop(sql: postgres.Sql, shopId: string, opts: { from: number; total: number; now: Date }) {
  const { from, total, now } = opts;
  if (total <= from) return 0;
  await sql`INSERT INTO profiles (shop_id, id, first_name, last_name, first_seen_at, created_at, updated_at,
    order_count,
              lifetime_spend, pos_spend, online_spend, first_order_at, last_order_at, last_activity_at, loyalty_points,
                time_zone,
              consent_email, consent_sms)
    SELECT ${shopId}, 'fill-' || g,
           initcap(substr(md5('first' || (g % 1009)), 1, 7)), initcap(substr(md5('last' || (g / 1009)), 1, 8)),
           ${now}::timestamptz - ((g % 700) * interval '1 day'), ${now}, ${now}, g % 7,
           (g % 7) * 42.5, CASE WHEN g % 2 = 0 THEN (g % 7) * 42.5 ELSE 0 END, CASE WHEN g % 2 = 1 THEN (g % 7) * 42.5
             ELSE 0 END,
           CASE WHEN g % 7 > 0 THEN ${now}::timestamptz - ((g % 700) * interval '1 day') END,
           CASE WHEN g % 7 > 0 THEN ${now}::timestamptz - ((g % 300) * interval '1 day') END,
           ${now}::timestamptz - ((g % 300) * interval '1 day'), (g % 7) * 42,
           CASE WHEN g % 5 = 0 THEN 'Europe/Berlin' END,
           -- the flags the consent service keeps with each ledger append: the grants inserted below
           g % 3 = 0, g % 3 = 0
    FROM generate_series(${from + 1}::int, ${total}::int) g`;
  await sql`INSERT INTO identifiers (shop_id, kind, value, profile_id, source, linked_at)
    SELECT ${shopId}, 'shopify', (2000000000 + g)::text, 'fill-' || g, 'fill', ${now}
      FROM generate_series(${from + 1}::int, ${total}::int) g
    UNION ALL
    SELECT ${shopId}, 'email', 'fill' || g || '@mailbox.org', 'fill-' || g, 'fill', ${now}
      FROM generate_series(${from + 1}::int, ${total}::int) g
    UNION ALL
    SELECT ${shopId}, 'phone', '+1628' || lpad(((g::bigint * 7919) % 10000000)::text, 7, '0'), 'fill-' || g, 'fill',
      ${now}
      FROM generate_series(${from + 1}::int, ${total}::int) g WHERE g % 2 = 0`;
  const [shop] = await sql<{ seq: number }[]>`SELECT consent_seq::int AS seq FROM shops WHERE shop_id = ${shopId}`;
  const seq = shop?.seq ?? 0;
  // Bench-only ledger rows: their hashes are placeholders, so the chain check is not meaningful on this shop.
  await sql`INSERT INTO consents (shop_id, id, seq, profile_id, channel, action, text_version, text, locale, acted_at,
    device_time, received_at, source, hash)
    SELECT ${shopId}, 'fill-consent-' || g || '-' || ch, ${seq} + row_number() OVER (), 'fill-' || g, ch, 'granted', 1,
      'bench consent', 'en',
           ${now}::timestamptz - interval '30 days', ${now}::timestamptz - interval '30 days',
             ${now}::timestamptz - interval '30 days', 'pos', md5(g::text || ch)
    FROM generate_series(${from + 1}::int, ${total}::int) g, unnest(ARRAY['email', 'sms']) ch WHERE g % 3 = 0`;
  await sql`UPDATE shops SET consent_seq = (SELECT coalesce(max(seq), 0) FROM consents WHERE shop_id = ${shopId})
    WHERE shop_id = ${shopId}`;
  await sql`INSERT INTO messages (shop_id, id, profile_id, channel, kind, status, reason, at)
    SELECT ${shopId}, 'fill-msg-' || g || '-' || k, 'fill-' || g, 'email', 'promo', 'sent', 'ok',
      ${now}::timestamptz - (k * interval '1 day')
    FROM generate_series(${from + 1}::int, ${total}::int) g, generate_series(1, 3) k WHERE g % 4 = 0`;
  await sql`ANALYZE`;
  return total - from;
}
