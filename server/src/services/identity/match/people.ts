import type { MatchPerson } from "@c360/shared";
import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "../../../db/client";
import { queryRows, type RawRow } from "../../../db/rows";
import type * as tables from "../../../db/schema";

/**
 * A list of IDs as one JSON parameter, a set-returning function for a FROM clause (`AS t(id)`): a backfill
 * touches a quarter of a million at once, beyond the 65,535 bind parameters of a statement.
 */
export const idTable = (ids: readonly string[]) => sql`jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)`;

type Contacts = { profileId: string; emails: string[] | null; phones: string[] | null };

/**
 * The shop's active people that `where` selects, as the match model reads them, with their emails and
 * phones. Merged-away and erased profiles are never compared: erased means erased.
 * The columns are named as MatchPerson names them, so a million rows become people without a copy.
 */
export async function loadMatchPeople(q: Queryable, shopId: string, where?: SQL): Promise<MatchPerson[]> {
  const people = await queryRows<MatchPerson & { emails?: string[]; phones?: string[] }>(
    q,
    sql`SELECT id AS "profileId", first_name AS "firstName", last_name AS "lastName", address1, address2, city,
               postcode, birthday
        FROM profiles
        WHERE shop_id = ${shopId} AND status = 'active' AND (first_name IS NOT NULL OR last_name IS NOT NULL)
          AND (${where ?? sql`TRUE`})`,
  );
  if (people.length === 0) return [];
  if (!where) return withShopContacts(q, shopId, people);
  // One row per person with contacts, not one per contact. The people are named by id, so each is one probe of
  // the identifiers' profile index: selecting them again by `where` (an OR of neighbourhoods) let the planner
  // choose a full scan of profiles and identifiers, 0.4 s a push at 300,000 profiles. The probes are a lateral
  // (OFFSET 0 keeps it a nested loop from the list): as a semi-join, a shop growing faster than its statistics
  // (a new install's first webhooks) made the planner walk the whole list once per identifier, 0.3 s a batch
  // and a third of webhook processing's time.
  const contacts = await queryRows<Contacts>(
    q,
    sql`SELECT i.profile_id AS "profileId",
               array_agg(i.value ORDER BY i.value) FILTER (WHERE i.kind = 'email') AS emails,
               array_agg(i.value ORDER BY i.value) FILTER (WHERE i.kind = 'phone') AS phones
        FROM ${idTable(people.map((p) => p.profileId))} AS t(id)
        CROSS JOIN LATERAL (
          SELECT i.profile_id, i.kind, i.value FROM identifiers i
          WHERE i.shop_id = ${shopId} AND i.profile_id = t.id AND i.kind IN ('email', 'phone') OFFSET 0
        ) i
        GROUP BY i.profile_id`,
  );
  if (contacts.length === 0) return people;
  const byId = new Map(people.map((p) => [p.profileId, p]));
  for (const c of contacts) {
    const p = byId.get(c.profileId);
    if (!p) continue;
    if (c.emails) p.emails = c.emails;
    if (c.phones) p.phones = c.phones;
  }
  return people;
}

/**
 * Every person's emails and phones for the whole-shop pass: the shop's contact rows read as they are and
 * grouped here. Grouping them in PostgreSQL (a join to the active profiles, a sort of 1.5 million rows and an
 * ordered array_agg) took 13.6 s of a million-profile scan; rows of anyone not among `people` are left unused.
 */
async function withShopContacts(q: Queryable, shopId: string, people: MatchPerson[]): Promise<MatchPerson[]> {
  const rows = await queryRows<RawRow<typeof tables.identifiers, "profile_id" | "kind" | "value">>(
    q,
    sql`SELECT profile_id, kind, value FROM identifiers WHERE shop_id = ${shopId} AND kind IN ('email', 'phone')`,
  );
  const emails = new Map<string, string[]>();
  const phones = new Map<string, string[]>();
  for (const r of rows) {
    const lists = r.kind === "email" ? emails : phones;
    const list = lists.get(r.profile_id);
    if (list) list.push(r.value);
    else lists.set(r.profile_id, [r.value]);
  }
  // In value order, as the grouped read gave them, so a scan repeats exactly whatever order the rows came in.
  const inOrder = (list: string[]) => (list.length > 1 ? list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) : list);
  for (const p of people) {
    const e = emails.get(p.profileId);
    const ph = phones.get(p.profileId);
    if (e) p.emails = inOrder(e);
    if (ph) p.phones = inOrder(ph);
  }
  return people;
}
