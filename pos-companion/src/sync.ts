import { locationLabel } from "@c360/shared/location/label";
import type { PairResponse, PullResponse, PushResult } from "@c360/shared/wire/sync";
import { fetchConsentTexts, pairDevice, pullChanges, pushMutations, type ServerTransport, SyncHttpError } from "./api";
import { type CompanionDb, type LocalCustomer, searchTerms, withReopen } from "./db";
import { clientIdOf } from "./outbox";

/**
 * What the tablet keeps of its pairing. `defaultCountry` and `timeZone` are the shop's, absent on tablets
 * paired before the server sent them (the stored row is never rewritten, so readers must fall back).
 */
export type PairedDevice = PairResponse & {
  deviceName: string;
  pairedAt: string;
  /**
   * Set when the server refused this tablet's token (revoked in the admin, or unknown): the token is
   * dropped and the cached customers wiped, the outbox is kept until a new pairing pushes it.
   */
  revoked?: { code: string; message: string; at: string };
};

export interface SyncStatusRow {
  lastSyncAt: string | null;
  lastError: { code: string; message: string; at: string } | null;
  nextAttemptAt: string | null;
  failures: number;
}

export interface SyncEngineDeps {
  db: CompanionDb;
  transport: ServerTransport;
  now: () => Date;
  uuid: () => string;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  pushBatchSize?: number;
  pullLimit?: number;
  /** Attempts within one sync before giving up until the next trigger; the wait between grows. */
  attempts?: number;
  backoff?: { baseMs: number; maxMs: number };
}

export interface SyncReport {
  ran: boolean;
  pushed: number;
  rejected: number;
  pulled: number;
  resets: number;
  gaps: number;
  error: SyncHttpError | null;
}

const DEVICE = "device";
const CURSOR = "pullCursor";
const STATUS = "syncStatus";
const MAX_GAP_RESENDS = 3;
const MAX_RESETS = 2;

/** Exponential with jitter (half to full), capped: many tablets coming back online do not stampede. */
export function backoffDelay(
  failures: number,
  random: () => number,
  opts = { baseMs: 1_000, maxMs: 5 * 60_000 },
): number {
  const exp = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(exp * (0.5 + random() / 2));
}

function asSyncError(error: unknown): SyncHttpError {
  if (error instanceof SyncHttpError) return error;
  if ((error as Error | null)?.name === "ZodError") {
    return new SyncHttpError(
      "bad_response",
      "The server's answer was not understood; changes stay on this tablet. Reload the app to update it.",
      true,
      null,
    );
  }
  return new SyncHttpError(
    "sync_failed",
    `Sync failed: ${(error as Error | null)?.message ?? String(error)}`,
    true,
    null,
  );
}

/** The store's name for the paired location; a bare Shopify GID is never shown (older pairings have only the ID). */
export function deviceLocationLabel(device: Pick<PairedDevice, "location" | "locationName">): string | null {
  return locationLabel(device.location, device.locationName);
}

export async function readDevice(db: CompanionDb): Promise<PairedDevice | null> {
  return ((await withReopen(db, () => db.meta.get(DEVICE)))?.value as PairedDevice | undefined) ?? null;
}

export async function readSyncStatus(db: CompanionDb): Promise<SyncStatusRow> {
  const row = (await db.meta.get(STATUS))?.value as SyncStatusRow | undefined;
  return row ?? { lastSyncAt: null, lastError: null, nextAttemptAt: null, failures: 0 };
}

/**
 * Pairs, or pairs again after a revocation: the outbox is left as it is, so what waited is pushed with the
 * new token (mutation IDs keep that idempotent), and the sync status starts clean.
 */
export async function pair(
  deps: Pick<SyncEngineDeps, "db" | "transport" | "now">,
  code: string,
  deviceName: string,
): Promise<PairedDevice> {
  const res = await pairDevice(deps.transport, { code: code.trim().toUpperCase(), deviceName });
  const device: PairedDevice = { ...res, deviceName, pairedAt: deps.now().toISOString() };
  await deps.db.transaction("rw", deps.db.meta, async () => {
    await deps.db.meta.put({ key: DEVICE, value: device });
    // A newly paired device starts its change feed from the beginning of this shop's profiles.
    await deps.db.meta.put({ key: CURSOR, value: 0 });
    await deps.db.meta.delete(STATUS);
  });
  return device;
}

/**
 * The server no longer accepts this tablet: it may be lost or stolen, so the customers it cached (names,
 * emails, phones) are deleted at once and the token forgotten. The outbox stays, for export or for the
 * next pairing to push; it holds only what staff entered here.
 */
export async function lockOut(db: CompanionDb, reason: { code: string; message: string }, now: Date): Promise<void> {
  await withReopen(db, () =>
    db.transaction("rw", [db.customers, db.meta], async () => {
      const device = (await db.meta.get(DEVICE))?.value as PairedDevice | undefined;
      await db.customers.clear();
      await db.meta.put({ key: CURSOR, value: 0 });
      if (!device) return;
      // An Error's message is not enumerable: the fields are copied by name.
      const revoked = { code: reason.code, message: reason.message, at: now.toISOString() };
      await db.meta.put({ key: DEVICE, value: { ...device, token: "", revoked } });
    }),
  );
}

/** What "Export unsynced changes" downloads: the outbox as it is, for the shop if this tablet is not paired again. */
export async function exportOutbox(db: CompanionDb, now: Date) {
  const device = await readDevice(db);
  const changes = await withReopen(db, () => db.outbox.orderBy("seq").toArray());
  return {
    kind: "c360-companion-unsynced-changes",
    exportedAt: now.toISOString(),
    shop: device?.shop ?? null,
    deviceId: device?.deviceId ?? null,
    clientId: (await db.meta.get("clientId"))?.value ?? null,
    changes,
  };
}

/**
 * One person, one row: a capture the server matched to a customer this tablet already lists (the same
 * email is the same person) maps to that customer's profile ID. The row pending changes point at is kept
 * (else the pulled one), the others are folded into it and the outbox repointed. Runs in the caller's
 * transaction, which must cover customers and outbox.
 */
export async function collapseProfileRows(db: CompanionDb, profileId: string): Promise<void> {
  const rows = await db.customers.where("profileId").equals(profileId).toArray();
  if (rows.length < 2) return;
  const queued = await db.outbox
    .where("customerKey")
    .anyOf(rows.map((r) => r.id))
    .toArray();
  const pending = new Set(queued.map((r) => r.customerKey));
  const keep = rows.find((r) => pending.has(r.id)) ?? rows.find((r) => r.id === profileId) ?? rows[0]!;
  const merged: LocalCustomer = {
    ...keep,
    localId: keep.localId ?? rows.find((r) => r.localId)?.localId ?? null,
    emails: [...new Set(rows.flatMap((r) => r.emails))],
    phones: [...new Set(rows.flatMap((r) => r.phones))],
    consent: Object.assign({}, ...rows.filter((r) => r !== keep).map((r) => r.consent), keep.consent),
  };
  merged.terms = searchTerms(merged);
  for (const r of rows) if (r.id !== keep.id) await db.customers.delete(r.id);
  const folded = rows.filter((r) => r.id !== keep.id).map((r) => r.id);
  await db.outbox.where("customerKey").anyOf(folded).modify({ customerKey: keep.id });
  await db.customers.put(merged);
}

/**
 * Moves the outbox to the server and the server's profiles to the cache. Framework-free: TanStack
 * Query decides when it runs; this decides what a run does and how long to wait after a failure.
 */
export class SyncEngine {
  private inFlight: Promise<SyncReport> | null = null;
  private soon: ReturnType<typeof setTimeout> | null = null;
  constructor(private readonly deps: SyncEngineDeps) {}

  /** Runs now if `force` (Sync now, back online) or the backoff wait is over; joins a run in progress. */
  sync(opts: { force?: boolean } = {}): Promise<SyncReport> {
    this.inFlight ??= this.run(opts.force ?? false).finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  /**
   * After a local write: push within a moment, so several quick changes share one push. The timer lives
   * here, not in a screen, so closing the form that saved does not cancel it; a run already under way
   * may have read the outbox before this write, so a fresh run follows it.
   */
  syncSoon(delayMs = 400): Promise<SyncReport> {
    if (this.soon) clearTimeout(this.soon);
    return new Promise((resolve) => {
      this.soon = setTimeout(() => {
        this.soon = null;
        const running = this.inFlight;
        const next = running ? running.then(() => this.sync({ force: true })) : this.sync({ force: true });
        void next.then(resolve);
      }, delayMs);
    });
  }

  private async run(force: boolean): Promise<SyncReport> {
    const { db, now } = this.deps;
    const report: SyncReport = { ran: false, pushed: 0, rejected: 0, pulled: 0, resets: 0, gaps: 0, error: null };
    const device = await readDevice(db);
    if (!device || device.revoked) return report;
    const status = await readSyncStatus(db);
    if (!force && status.nextAttemptAt && now() < new Date(status.nextAttemptAt)) return report;
    report.ran = true;
    const clientId = await clientIdOf(db, this.deps);
    const attempts = this.deps.attempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.pushAll(device.token, clientId, report);
        await this.pullAll(device.token, clientId, report);
        await this.refreshConsentTexts(device.token);
        await this.saveStatus({ lastSyncAt: now().toISOString(), lastError: null, nextAttemptAt: null, failures: 0 });
        report.error = null;
        return report;
      } catch (error) {
        const failure = asSyncError(error);
        report.error = failure;
        if (failure.status === 401) {
          await lockOut(db, failure, now());
          return report;
        }
        const failures = (await readSyncStatus(db)).failures + 1;
        const wait = backoffDelay(failures, this.deps.random, this.deps.backoff);
        if (failure.retryable && attempt < attempts) {
          await this.saveStatus({ ...(await readSyncStatus(db)), failures, lastError: this.describe(failure) });
          await this.deps.sleep(wait);
          continue;
        }
        await this.saveStatus({
          ...(await readSyncStatus(db)),
          failures,
          lastError: this.describe(failure),
          nextAttemptAt: new Date(now().getTime() + wait).toISOString(),
        });
        return report;
      }
    }
  }

  private describe(e: SyncHttpError) {
    return { code: e.code, message: e.message, at: this.deps.now().toISOString() };
  }

  private saveStatus(status: SyncStatusRow) {
    return withReopen(this.deps.db, () => this.deps.db.meta.put({ key: STATUS, value: status }));
  }

  private async pushAll(token: string, clientId: string, report: SyncReport) {
    const { db } = this.deps;
    const batchSize = this.deps.pushBatchSize ?? 500;
    let size = batchSize;
    for (;;) {
      const rows = await withReopen(db, () => db.outbox.orderBy("seq").limit(size).toArray());
      if (rows.length === 0) return;
      const mutations = rows.map(({ seq, id, name, args, createdAt }) => ({ seq, id, name, args, createdAt }));
      let outcome: Awaited<ReturnType<typeof pushMutations>>;
      try {
        outcome = await pushMutations(this.deps.transport, token, { clientId, mutations });
      } catch (error) {
        // A server that refuses a whole batch as bad input (an older one, one bad row) must not stall the
        // queue: halve the batch until the one change it refuses is alone, set that one aside, go on.
        if (!(error instanceof SyncHttpError) || error.status !== 400) throw error;
        if (rows.length > 1) {
          size = Math.ceil(rows.length / 2);
          continue;
        }
        await this.refuseLocally(rows[0]!, error.message);
        report.rejected++;
        size = batchSize;
        continue;
      }
      if (outcome.kind === "gap") {
        if (++report.gaps > MAX_GAP_RESENDS)
          throw new SyncHttpError(
            "seq_gap",
            `The server keeps expecting change #${outcome.expectedSeq}; will try again later.`,
            true,
            409,
          );
        if (outcome.result)
          await this.acknowledge(
            outcome.result,
            rows.map((r) => r.seq),
          );
        await this.resolveGap(outcome.expectedSeq);
        continue;
      }
      const sent = db.outbox.where("seq").belowOrEqual(rows[rows.length - 1]!.seq);
      await this.acknowledge(
        outcome.result,
        rows.map((r) => r.seq),
      );
      // A server that settles nothing would have us resend the same batch forever.
      if ((await sent.count()) >= rows.length)
        throw new SyncHttpError(
          "no_progress",
          "The server did not accept any queued change; will try again later.",
          true,
          null,
        );
      report.pushed += outcome.result.applied.length + outcome.result.skipped.length;
      report.rejected += outcome.result.rejected.length;
    }
  }

  /**
   * A change the server refused as a whole batch of one leaves the queue for `rejected`; a gap then renumbers the rest.
   */
  private async refuseLocally(
    row: { id: string; seq: number; name: string; customerKey: string | null },
    message: string,
  ) {
    const { db, now } = this.deps;
    await withReopen(db, () =>
      db.transaction("rw", [db.outbox, db.rejected], async () => {
        await db.rejected.put({
          id: row.id,
          seq: row.seq,
          name: row.name,
          reason: message,
          customerKey: row.customerKey,
          rejectedAt: now().toISOString(),
        });
        await db.outbox.delete(row.seq);
      }),
    );
  }

  /**
   * A 409 names the next seq the server expects. Below it, the server already has our changes (an
   * earlier answer was lost): drop them. Above what we hold, the server lost some: renumber what is
   * still queued from the expected seq so the order is kept and nothing is skipped.
   */
  private async resolveGap(expectedSeq: number) {
    const { db } = this.deps;
    await withReopen(db, () =>
      db.transaction("rw", [db.outbox, db.meta], async () => {
        await db.outbox.where("seq").below(expectedSeq).delete();
        const rows = await db.outbox.orderBy("seq").toArray();
        if (rows.length === 0 || rows[0]!.seq === expectedSeq) return;
        await db.outbox.clear();
        await db.outbox.bulkAdd(rows.map((r, i) => ({ ...r, seq: expectedSeq + i })));
        await db.meta.put({ key: "nextSeq", value: expectedSeq + rows.length });
      }),
    );
  }

  /**
   * One transaction: acknowledged rows leave the outbox, refused ones (and
   * refused fields) move to `rejected`, new profile IDs are stored.
   */
  private async acknowledge(result: PushResult, sentSeqs: number[]) {
    const { db, now } = this.deps;
    await withReopen(db, () =>
      db.transaction("rw", [db.outbox, db.rejected, db.customers], async () => {
        for (const r of result.rejected) {
          const row = await db.outbox.where("id").equals(r.id).first();
          await db.rejected.put({
            id: r.id,
            seq: r.seq,
            name: row?.name ?? "change",
            reason: r.reason,
            customerKey: row?.customerKey ?? null,
            rejectedAt: now().toISOString(),
          });
        }
        for (const r of result.fieldRejections ?? []) {
          const row = await db.outbox.where("id").equals(r.id).first();
          await db.rejected.put({
            id: `${r.id}:${r.field}`,
            seq: r.seq,
            name: row?.name ?? "change",
            reason: r.reason,
            customerKey: row?.customerKey ?? null,
            rejectedAt: now().toISOString(),
            field: r.field,
          });
        }
        const done = new Set([...result.applied, ...result.skipped, ...result.rejected.map((r) => r.id)]);
        await db.outbox
          .where("id")
          .anyOf([...done])
          .delete();
        // Everything up to the server's lastSeq is settled, even rows an answer did not list.
        await db.outbox
          .where("seq")
          .belowOrEqual(Math.min(result.lastSeq, Math.max(...sentSeqs)))
          .delete();
        for (const [localId, profileId] of Object.entries(result.profiles)) {
          await db.customers.where("localId").equals(localId).modify({ profileId });
          await collapseProfileRows(db, profileId);
        }
      }),
    );
  }

  /** Refreshes the offline cache only, e.g. when staff open a search on a newly paired tablet. */
  async pullNow(): Promise<SyncReport> {
    const report: SyncReport = { ran: true, pushed: 0, rejected: 0, pulled: 0, resets: 0, gaps: 0, error: null };
    const device = await readDevice(this.deps.db);
    if (!device || device.revoked) return report;
    try {
      await this.pullAll(device.token, await clientIdOf(this.deps.db, this.deps), report);
    } catch (error) {
      if (!(error instanceof SyncHttpError) || error.status !== 401) throw error;
      await lockOut(this.deps.db, error, this.deps.now());
      report.error = error;
    }
    return report;
  }

  private async pullAll(token: string, clientId: string, report: SyncReport) {
    const { db } = this.deps;
    const limit = this.deps.pullLimit ?? 500;
    for (;;) {
      const cursor = ((await withReopen(db, () => db.meta.get(CURSOR)))?.value as number | undefined) ?? 0;
      const page = await pullChanges(this.deps.transport, token, { cursor, limit, clientId });
      if (page.reset) {
        if (++report.resets > MAX_RESETS) throw new SyncHttpError("reset_loop", page.message, true, null);
        await this.resetCache(page.cursor);
        continue;
      }
      await this.applyPage(page);
      report.pulled += page.changes.length;
      if (!page.hasMore) return;
    }
  }

  /**
   * The server cannot continue our feed: drop the cache but keep customers with unsynced changes, and download again.
   */
  private async resetCache(cursor: number) {
    const { db } = this.deps;
    await withReopen(db, () =>
      db.transaction("rw", [db.customers, db.outbox, db.meta], async () => {
        const pendingKeys = new Set((await db.outbox.toArray()).map((r) => r.customerKey));
        await db.customers.filter((c) => !pendingKeys.has(c.id)).delete();
        await db.meta.put({ key: CURSOR, value: cursor });
      }),
    );
  }

  private async applyPage(page: Extract<PullResponse, { cursor: number; changes: unknown }>) {
    const { db, now } = this.deps;
    await withReopen(db, () =>
      db.transaction("rw", [db.customers, db.outbox, db.meta], async () => {
        const pendingKeys = new Set((await db.outbox.toArray()).map((r) => r.customerKey));
        for (const change of page.changes) {
          if (change.kind === "tombstone") {
            const gone = await db.customers.where("profileId").equals(change.profileId).toArray();
            for (const c of gone) {
              if (pendingKeys.has(c.id)) await db.customers.update(c.id, { profileId: change.mergedInto });
              else await db.customers.delete(c.id);
            }
            continue;
          }
          const p = change.profile;
          const existing =
            (await db.customers.where("profileId").equals(p.profileId).first()) ??
            (await db.customers.get(p.profileId)) ??
            (await this.unmappedCapture(p.emails, p.phones));
          const pending = existing ? pendingKeys.has(existing.id) : false;
          const next: LocalCustomer = {
            id: existing?.id ?? p.profileId,
            localId: existing?.localId ?? null,
            profileId: p.profileId,
            firstName: p.firstName,
            lastName: p.lastName,
            emails: p.emails,
            phones: p.phones,
            birthday: existing?.birthday ?? null,
            tier: p.tier,
            points: p.points,
            lifecycleStage: p.lifecycleStage,
            engagementScore: p.engagementScore ?? null,
            // Until our own changes about this customer reach the server, what staff recorded here wins.
            consent: pending && existing ? { ...p.consent, ...existing.consent } : p.consent,
            terms: [],
            updatedAt: now().toISOString(),
          };
          next.terms = searchTerms(next);
          await db.customers.put(next);
          await collapseProfileRows(db, p.profileId);
        }
        // The feed also says how far the server has applied our pushes: a lost push answer settles here.
        await db.outbox.where("seq").belowOrEqual(page.lastSeq).delete();
        await db.meta.put({ key: CURSOR, value: page.cursor });
      }),
    );
  }

  /**
   * A capture whose push answer was lost is "skipped" on resend, and a skip carries no profile ID. The
   * pulled profile holding the same email or phone is that customer: adopt it instead of listing them twice.
   */
  private async unmappedCapture(emails: string[], phones: string[]): Promise<LocalCustomer | undefined> {
    const keys = [...emails, ...phones.map((p) => p.replace(/\D/g, ""))];
    if (keys.length === 0) return undefined;
    const candidates = await this.deps.db.customers.where("terms").anyOf(keys).toArray();
    return candidates.find(
      (c) =>
        c.localId &&
        !c.profileId &&
        (c.emails.some((e) => emails.includes(e)) || c.phones.some((p) => phones.includes(p))),
    );
  }

  private async refreshConsentTexts(token: string) {
    const texts = await fetchConsentTexts(this.deps.transport, token);
    if (!texts) return;
    const { db } = this.deps;
    await withReopen(db, () =>
      db.transaction("rw", db.consentTexts, async () => {
        await db.consentTexts.clear();
        await db.consentTexts.bulkPut(texts.map((t) => ({ ...t, key: `${t.channel}:${t.locale}` })));
      }),
    );
  }
}
