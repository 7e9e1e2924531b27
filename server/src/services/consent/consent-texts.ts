import { DEFAULT_CONSENT_TEXTS, latestConsentTexts, type Channel, type ConsentText } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { queryRows } from "../../db/rows";

interface TextRow {
  channel: Channel;
  locale: string;
  version: number;
  text: string;
}

const toText = (r: TextRow): ConsentText => ({
  channel: r.channel,
  locale: r.locale,
  version: Number(r.version),
  text: r.text,
});

/**
 * A shop that never published a text gets the defaults as version 1 on first read, so a capture made
 * with the default wording is always verifiable. ON CONFLICT keeps two first reads from racing.
 */
async function seedDefaults(q: Queryable, shopId: string, now: Date): Promise<void> {
  for (const t of DEFAULT_CONSENT_TEXTS) {
    await q.execute(sql`INSERT INTO consent_texts (shop_id, channel, locale, version, text, created_at)
      VALUES (${shopId}, ${t.channel}, ${t.locale}, ${t.version}, ${t.text}, ${now}) ON CONFLICT DO NOTHING`);
  }
}

/** Every version the shop ever published: a tablet offline since before a new version may still show an old one. */
export async function publishedConsentTexts(q: Queryable, shopId: string, now: Date): Promise<ConsentText[]> {
  let rows = await queryRows<TextRow>(
    q,
    sql`SELECT channel, locale, version, text FROM consent_texts WHERE shop_id = ${shopId}`,
  );
  if (rows.length === 0) {
    await seedDefaults(q, shopId, now);
    rows = await queryRows<TextRow>(
      q,
      sql`SELECT channel, locale, version, text FROM consent_texts WHERE shop_id = ${shopId}`,
    );
  }
  return rows.map(toText);
}

/** The version to show today: the latest per channel and locale. */
export async function currentConsentTexts(q: Queryable, shopId: string, now: Date): Promise<ConsentText[]> {
  return latestConsentTexts(await publishedConsentTexts(q, shopId, now));
}

/** Publishes the next version for a channel and locale (the caller holds the shop lock, so versions never collide). */
export async function publishConsentText(
  q: Queryable,
  shopId: string,
  input: { channel: Channel; locale: string; text: string },
  now: Date,
): Promise<ConsentText> {
  await publishedConsentTexts(q, shopId, now);
  const [row] = await queryRows<{ v: number | string | null }>(
    q,
    sql`SELECT max(version) AS v FROM consent_texts WHERE shop_id = ${shopId} AND channel = ${input.channel}
      AND locale = ${input.locale}`,
  );
  const version = Number(row?.v ?? 0) + 1;
  await q.execute(sql`INSERT INTO consent_texts (shop_id, channel, locale, version, text, created_at)
    VALUES (${shopId}, ${input.channel}, ${input.locale}, ${version}, ${input.text}, ${now})`);
  return { channel: input.channel, locale: input.locale, version, text: input.text };
}
