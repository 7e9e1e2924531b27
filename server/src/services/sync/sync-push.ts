import { storableText, type PushResult } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { queryRows, type RawRow } from "../../db/rows";
import type * as tables from "../../db/schema";
import { HttpError } from "../../http/errors";
import type { Logger } from "../../http/logger";
import { PushWorkspace } from "./push-workspace";
import { recomputeProfiles } from "../profile/recompute-profile";
import { sqlTextArray } from "../../db/sql-arrays";
import { recordProfileChanges, withShopLock } from "../shop/shop";
import {
  applyMutation,
  erasedCaptures,
  identifiersOf,
  localIdentifier,
  Rejected,
  storedBefore,
  writeFieldHistory,
  type DeviceContext,
  type IncomingMutation,
  type PushState,
} from "./sync-mutations";
import { liveProfileIds } from "../ingest/visits";
import { scanArrivals } from "../identity/match";

export type { DeviceContext, IncomingMutation } from "./sync-mutations";

export type PushOutcome =
  | { kind: "ok"; result: PushResult }
  /** The first new mutation is not the next in sequence: the device must resend from `expectedSeq`. */
  | { kind: "gap"; expectedSeq: number; message: string; result: PushResult };

/**
 * Applies one push in ONE transaction under the shop lock. Mutations at or below the client's last
 * applied seq (or already recorded by id) are skipped; the rest must continue the sequence and are
 * applied in seq order. Nothing is answered before the commit, so a crash mid-way leaves the client's
 * last_seq where it was and the device simply pushes again.
 */
export async function pushMutations(
  database: Database,
  device: DeviceContext,
  request: { clientId: string; mutations: IncomingMutation[] },
  now: Date,
  log: Logger,
): Promise<PushOutcome> {
  const sorted = [...request.mutations].sort((a, b) => a.seq - b.seq);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.seq === sorted[i - 1]!.seq && sorted[i]!.id !== sorted[i - 1]!.id) {
      throw new HttpError(
        400,
        "duplicate_seq",
        `seq ${sorted[i]!.seq} is used by two different mutations (${sorted[i - 1]!.id}, ${sorted[i]!.id})`,
      );
    }
  }

  return withShopLock(database.db, device.shopId, async (tx, shop) => {
    const [client] = await queryRows<RawRow<typeof tables.syncClients, "last_seq" | "device_id">>(
      tx,
      sql`SELECT last_seq, device_id FROM sync_clients WHERE shop_id = ${device.shopId}
        AND client_id = ${request.clientId}`,
    );
    const lastSeq = Number(client?.last_seq ?? 0);
    const result: PushResult = { lastSeq, applied: [], skipped: [], rejected: [], profiles: {} };

    const fresh: IncomingMutation[] = [];
    // A re-sent capture (its first answer was lost) still tells the device which profile it became.
    const skippedLocalIds = new Set<string>();
    const skip = (m: IncomingMutation) => {
      result.skipped.push(m.id);
      const localId = m.name === "customer.capture" ? (m.args as { localId?: unknown } | null)?.localId : undefined;
      if (typeof localId === "string") skippedLocalIds.add(localId);
    };
    for (const m of sorted) {
      if (m.seq <= lastSeq || fresh.at(-1)?.seq === m.seq) skip(m);
      else fresh.push(m);
    }
    // Only the run that continues the sequence is applied; whatever follows a hole waits for a resend.
    let runEnd = 0;
    while (runEnd < fresh.length && fresh[runEnd]!.seq === lastSeq + runEnd + 1) runEnd++;
    const run = fresh.slice(0, runEnd);

    const recorded = new Set(
      run.length === 0
        ? []
        : (
            await queryRows<RawRow<typeof tables.syncMutations, "mutation_id">>(
              tx,
              sql`SELECT mutation_id FROM sync_mutations WHERE shop_id = ${device.shopId}
                AND mutation_id = ANY(${sqlTextArray(run.map((m) => m.id))})`,
            )
          ).map((r) => r.mutation_id),
    );

    const work = new PushWorkspace(device.shopId, now);
    // The identifiers each mutation will look up, so the workspace reads all of them in one statement.
    const planned = run.map((m) => (recorded.has(m.id) ? [] : identifiersOf(m, shop)));
    let position = 0;
    const todo = run.filter((m) => !recorded.has(m.id));
    const { replayedEvents, storedVisits } = await storedBefore(tx, device.shopId, todo);
    const state: PushState = {
      shop,
      device,
      now,
      log,
      recompute: new Set(),
      changed: new Set(),
      localIds: new Set(),
      work,
      cover: async (identifiers) => {
        if (!work.isCovered(identifiers)) await work.load(tx, [...identifiers, ...planned.slice(position).flat()]);
      },
      replayedEvents,
      storedVisits,
      fieldRejections: [],
      erasedCaptures: await erasedCaptures(tx, shop, todo, now),
      fieldHistory: [],
    };
    const rows: { id: string; seq: number; name: string; status: "applied" | "rejected"; reason: string | null }[] = [];
    for (const [index, m] of run.entries()) {
      position = index;
      if (recorded.has(m.id)) {
        skip(m);
        continue;
      }
      recorded.add(m.id);
      try {
        const refusedBefore = state.fieldRejections.length;
        await applyMutation(tx, state, m);
        // An applied capture keeps the fields it could not store in its record: the admin sees them too.
        const refused = state.fieldRejections.slice(refusedBefore).map((r) => r.reason);
        rows.push({
          id: m.id,
          seq: m.seq,
          name: m.name,
          status: "applied",
          reason: refused.length ? storableText(refused.join("; ")) : null,
        });
        result.applied.push(m.id);
      } catch (error) {
        const refusal =
          error instanceof Rejected
            ? error.message
            : error instanceof HttpError
              ? `${error.code}: ${error.message}`
              : null;
        if (refusal === null) throw error;
        // The name is the device's own text: one NUL in it must not fail the whole push's record.
        const reason = storableText(refusal);
        rows.push({ id: m.id, seq: m.seq, name: storableText(m.name).slice(0, 50), status: "rejected", reason });
        result.rejected.push({ id: m.id, seq: m.seq, reason });
      }
    }
    await work.flush(tx);
    if (state.fieldRejections.length > 0) result.fieldRejections = state.fieldRejections;
    await writeFieldHistory(tx, device.shopId, state.fieldHistory);

    if (rows.length > 0) {
      await tx.execute(sql`INSERT INTO sync_mutations (shop_id, mutation_id, client_id, seq, name, status, reason,
        applied_at)
        SELECT ${device.shopId}, x.id, ${request.clientId}, x.seq, x.name, x.status, x.reason, ${now}
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(id text, seq bigint, name text, status text,
          reason text)
        ON CONFLICT (shop_id, mutation_id) DO NOTHING`);
    }
    const newLastSeq = lastSeq + run.length;
    await tx.execute(sql`INSERT INTO sync_clients (shop_id, client_id, device_id, last_seq, updated_at)
      VALUES (${device.shopId}, ${request.clientId}, ${device.deviceId}, ${newLastSeq}, ${now})
      ON CONFLICT (shop_id, client_id) DO UPDATE SET last_seq = greatest(sync_clients.last_seq, excluded.last_seq),
        device_id = excluded.device_id, updated_at = excluded.updated_at`);
    result.lastSeq = newLastSeq;

    // Computed fields are the server's: recomputed once per touched profile, after every mutation of the batch.
    const live = await liveProfileIds(tx, device.shopId, [...state.recompute, ...state.changed]);
    const liveOf = (ids: Set<string>) =>
      new Set([...ids].map((id) => live.get(id)).filter((id): id is string => id !== undefined));
    const toRecompute = liveOf(state.recompute);
    await recomputeProfiles(tx, device.shopId, [...toRecompute], shop.settings, now);
    await recordProfileChanges(
      tx,
      device.shopId,
      [...liveOf(state.changed)].filter((id) => !toRecompute.has(id)),
      "upsert",
    );
    // Someone signed up or edited on a tablet may be a customer the shop already has: proposed now, not nightly.
    await scanArrivals(tx, device.shopId, [...liveOf(state.changed)], now, { learn: false });

    // Which profile each local ID became: the workspace still mirrors those it read; the rest are read.
    const unread: string[] = [];
    for (const localId of new Set([...state.localIds, ...skippedLocalIds])) {
      const local = localIdentifier(localId);
      if (!work.isCovered([local])) unread.push(localId);
      else if (work.ownerOf(local)) result.profiles[localId] = work.ownerOf(local)!;
    }
    if (unread.length) {
      const keys = unread.map((l) => localIdentifier(l).value);
      const mapped = await queryRows<RawRow<typeof tables.identifiers, "value" | "profile_id">>(
        tx,
        sql`SELECT value, profile_id FROM identifiers WHERE shop_id = ${device.shopId} AND kind = 'device'
          AND value = ANY(${sqlTextArray(keys)})`,
      );
      for (const r of mapped) result.profiles[r.value.slice("companion:".length)] = r.profile_id;
    }
    await tx.execute(
      sql`UPDATE devices SET last_sync_at = ${now} WHERE shop_id = ${device.shopId} AND id = ${device.deviceId}`,
    );

    if (fresh.length > run.length) {
      const expectedSeq = newLastSeq + 1;
      return {
        kind: "gap",
        expectedSeq,
        message:
          `mutation seq ${expectedSeq} is missing (received ${fresh[run.length]!.seq} next); ` +
          `resend from seq ${expectedSeq}`,
        result,
      };
    }
    return { kind: "ok", result };
  });
}
