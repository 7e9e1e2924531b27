import { probableDuplicates } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../db/client";
import { queryRows } from "../db/rows";

/**
 * Looks for people who are probably the same (similar names sharing a postcode, address or birth date)
 * and proposes each pair once as a `probabilistic` merge candidate. It never merges: a parent and a
 * child at one address look alike. A pair a person already dismissed or merged is not proposed again.
 */
export async function scanProbableDuplicates(q: Queryable, shopId: string, now: Date): Promise<number> {
  const people = await queryRows<{ id: string; first_name: string | null; last_name: string | null; postcode: string | null; address1: string | null; birthday: string | null }>(
    q,
    sql`SELECT id, first_name, last_name, postcode, address1, birthday FROM profiles
        WHERE shop_id = ${shopId} AND status = 'active' AND (first_name IS NOT NULL OR last_name IS NOT NULL)
          AND (postcode IS NOT NULL OR address1 IS NOT NULL OR birthday IS NOT NULL)`,
  );
  const found = probableDuplicates(
    people.map((p) => ({ profileId: p.id, firstName: p.first_name, lastName: p.last_name, postcode: p.postcode, address1: p.address1, birthday: p.birthday })),
  );
  let created = 0;
  for (const d of found) {
    const [a, b] = d.profileId < d.otherProfileId ? [d.profileId, d.otherProfileId] : [d.otherProfileId, d.profileId];
    const rows = await queryRows(
      q,
      sql`INSERT INTO merge_candidates (shop_id, id, profile_id, other_profile_id, kind, reason, evidence, score, created_at)
          VALUES (${shopId}, ${crypto.randomUUID()}, ${a}, ${b}, 'probabilistic', ${d.reason},
                  ${JSON.stringify({ score: d.score })}::jsonb, ${d.score}, ${now})
          ON CONFLICT (shop_id, profile_id, other_profile_id) DO NOTHING RETURNING id`,
    );
    created += rows.length;
  }
  return created;
}
