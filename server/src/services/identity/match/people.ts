import type { MatchPerson } from "@c360/shared";
import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "../../../db/client";
import { queryRows } from "../../../db/rows";

interface PersonRow {
  id: string;
  first_name: string | null;
  last_name: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  postcode: string | null;
  birthday: string | null;
}

/** A list of IDs as one JSON parameter: a backfill touches a quarter of a million at once. */
export const idList = (ids: readonly string[]) =>
  sql`(SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`;

/**
 * The shop's active people that `where` selects, as the match model reads them, with their emails and
 * phones. Merged-away and erased profiles are never compared: erased means erased.
 */
export async function loadMatchPeople(q: Queryable, shopId: string, where: SQL = sql`TRUE`): Promise<MatchPerson[]> {
  const rows = await queryRows<PersonRow>(
    q,
    sql`SELECT id, first_name, last_name, address1, address2, city, postcode, birthday FROM profiles
        WHERE shop_id = ${shopId} AND status = 'active' AND (first_name IS NOT NULL OR last_name IS NOT NULL)
          AND (${where})`,
  );
  const people = new Map<string, MatchPerson & { emails: string[]; phones: string[] }>();
  for (const r of rows) {
    people.set(r.id, {
      profileId: r.id,
      firstName: r.first_name,
      lastName: r.last_name,
      address1: r.address1,
      address2: r.address2,
      city: r.city,
      postcode: r.postcode,
      birthday: r.birthday,
      emails: [],
      phones: [],
    });
  }
  if (people.size === 0) return [];
  const contacts = await queryRows<{ profile_id: string; kind: "email" | "phone"; value: string }>(
    q,
    sql`SELECT i.profile_id, i.kind, i.value FROM identifiers i
        WHERE i.shop_id = ${shopId} AND i.kind IN ('email', 'phone')
          AND i.profile_id IN (SELECT id FROM profiles WHERE shop_id = ${shopId} AND status = 'active' AND (${where}))`,
  );
  for (const c of contacts) {
    const p = people.get(c.profile_id);
    if (p) (c.kind === "email" ? p.emails : p.phones).push(c.value);
  }
  return [...people.values()];
}
