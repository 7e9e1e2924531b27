import { CHANNELS, currentConsentState, type ConsentEntry, type PullResponse } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { jsonOr, queryRows, type RawRow } from "../../db/rows";
import type * as tables from "../../db/schema";
import { contactsOf } from "../profile/profile-view";

interface ChangeRow {
  version: string | number;
  kind: "upsert" | "tombstone";
  profile_id: string;
  status: "active" | "merged" | "erased" | null;
  merged_into: string | null;
  first_name: string | null;
  last_name: string | null;
  loyalty_tier: string | null;
  loyalty_points: string | number | null;
  lifecycle_stage: string | null;
  engagement_score: number | null;
  contacts: unknown;
  consents: unknown;
}

/**
 * One page of the shop's change feed after `cursor`, in version order. Versions are taken under the
 * shop lock in commit order, so a page never skips a change that commits later; a profile that changes
 * again moves to its new version and comes in a later page. One query per page builds every summary.
 */
export async function pullChanges(
  q: Queryable,
  shopId: string,
  input: { cursor: number; limit: number; clientId?: string | undefined },
): Promise<PullResponse> {
  const [shop] = await queryRows<RawRow<typeof tables.shops, "changes_pruned_before">>(
    q,
    sql`SELECT changes_pruned_before FROM shops WHERE shop_id = ${shopId}`,
  );
  const prunedBefore = Number(shop?.changes_pruned_before ?? 0);
  if (input.cursor > 0 && input.cursor < prunedBefore) {
    return {
      reset: true,
      cursor: 0,
      message: `changes before version ${prunedBefore} were pruned; clear the local cache and pull again from cursor 0`,
    };
  }

  const rows = await queryRows<ChangeRow>(
    q,
    sql`SELECT pc.version, pc.kind, pc.profile_id, p.status, p.merged_into, p.first_name, p.last_name, p.loyalty_tier,
      p.loyalty_points,
               p.lifecycle_stage, p.engagement_score,
               (SELECT json_agg(json_build_object('kind', i.kind, 'value', i.value) ORDER BY i.linked_at, i.value)
                  FROM identifiers i WHERE i.shop_id = pc.shop_id AND i.profile_id = pc.profile_id
                    AND i.kind IN ('email', 'phone')) AS contacts,
               (SELECT json_agg(json_build_object('id', c.id, 'channel', c.channel, 'action', c.action, 'actedAt',
                 c.acted_at, 'receivedAt', c.received_at))
                  FROM consents c WHERE c.shop_id = pc.shop_id AND c.profile_id = pc.profile_id) AS consents
        FROM profile_changes pc LEFT JOIN profiles p ON p.shop_id = pc.shop_id AND p.id = pc.profile_id
        WHERE pc.shop_id = ${shopId} AND pc.version > ${input.cursor}
        ORDER BY pc.version LIMIT ${input.limit + 1}`,
  );
  const hasMore = rows.length > input.limit;
  const page = rows.slice(0, input.limit);

  let lastSeq = 0;
  if (input.clientId) {
    const [client] = await queryRows<RawRow<typeof tables.syncClients, "last_seq">>(
      q,
      sql`SELECT last_seq FROM sync_clients WHERE shop_id = ${shopId} AND client_id = ${input.clientId}`,
    );
    lastSeq = Number(client?.last_seq ?? 0);
  }

  const changes = page.map((r) => {
    const version = Number(r.version);
    if (r.kind === "tombstone" || r.status !== "active") {
      return {
        kind: "tombstone" as const,
        version,
        profileId: r.profile_id,
        mergedInto: r.status === "merged" ? r.merged_into : null,
      };
    }
    const contacts = jsonOr<{ kind: string; value: string }[]>(r.contacts, []);
    const entries = jsonOr<
      {
        id: string;
        channel: ConsentEntry["channel"];
        action: ConsentEntry["action"];
        actedAt: string;
        receivedAt: string;
      }[]
    >(r.consents, []);
    const state = currentConsentState(
      entries.map((e) => ({ ...e, actedAt: new Date(e.actedAt), receivedAt: new Date(e.receivedAt) })),
    );
    return {
      kind: "upsert" as const,
      version,
      profile: {
        profileId: r.profile_id,
        firstName: r.first_name,
        lastName: r.last_name,
        ...contactsOf(contacts),
        tier: r.loyalty_tier,
        points: Number(r.loyalty_points ?? 0),
        lifecycleStage: r.lifecycle_stage ?? "new",
        engagementScore: r.engagement_score,
        consent: Object.fromEntries(CHANNELS.map((ch) => [ch, state[ch].granted])) as Record<
          (typeof CHANNELS)[number],
          boolean
        >,
      },
    };
  });
  return { cursor: page.length ? Number(page.at(-1)!.version) : input.cursor, hasMore, lastSeq, changes };
}
