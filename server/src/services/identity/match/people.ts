import type { MatchPerson } from "@c360/shared";
import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "../../../db/client";
import { queryRows } from "../../../db/rows";

/** A list of IDs as one JSON parameter: a backfill touches a quarter of a million at once. */
export const idList = (ids: readonly string[]) =>
  sql`(SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`;

type Contacts = { profileId: string; emails: string[] | null; phones: string[] | null };

/**
 * The shop's active people that `where` selects, as the match model reads them, with their emails and
 * phones. Merged-away and erased profiles are never compared: erased means erased.
 * The columns are named as MatchPerson names them, so a million rows become people without a copy.
 */
export async function loadMatchPeople(q: Queryable, shopId: string, where: SQL = sql`TRUE`): Promise<MatchPerson[]> {
  const people = await queryRows<MatchPerson & { emails?: string[]; phones?: string[] }>(
    q,
    sql`SELECT id AS "profileId", first_name AS "firstName", last_name AS "lastName", address1, address2, city,
               postcode, birthday
        FROM profiles
        WHERE shop_id = ${shopId} AND status = 'active' AND (first_name IS NOT NULL OR last_name IS NOT NULL)
          AND (${where})`,
  );
  if (people.length === 0) return [];
  // One row per person with contacts, not one per contact.
  const contacts = await queryRows<Contacts>(
    q,
    sql`SELECT i.profile_id AS "profileId",
               array_agg(i.value ORDER BY i.value) FILTER (WHERE i.kind = 'email') AS emails,
               array_agg(i.value ORDER BY i.value) FILTER (WHERE i.kind = 'phone') AS phones
        FROM identifiers i
        WHERE i.shop_id = ${shopId} AND i.kind IN ('email', 'phone')
          AND i.profile_id IN (SELECT id FROM profiles WHERE shop_id = ${shopId} AND status = 'active' AND (${where}))
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
