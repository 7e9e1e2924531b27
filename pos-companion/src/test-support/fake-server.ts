import type { ProfileSummary } from "@c360/shared/wire/sync";
import type { ConsentText } from "@c360/shared/consent/texts";
import type { ServerTransport } from "../api";

interface Applied {
  id: string;
  seq: number;
  name: string;
  args: Record<string, unknown>;
}

/**
 * The sync contract in memory: idempotent by mutation ID, ordered by seq per client, with knobs to
 * lose answers, fail, demand a resend or reset the feed, so every branch of the engine is reachable.
 */
export class FakeSyncServer {
  applied: Applied[] = [];
  lastSeq = new Map<string, number>();
  profiles: ProfileSummary[] = [];
  failNext = 0;
  loseNextAnswer = false;
  resetNextPull = false;
  rejectNames = new Set<string>();
  /** Answer a resend of already-applied seqs with 409 instead of skipping them. */
  gapOnStale = false;
  calls: string[] = [];
  /** Added to the pairing answer, e.g. the shop's `defaultCountry` and `timeZone`. */
  pairExtras: Record<string, unknown> = {};
  /** The shop's published consent texts; `null` answers 404, as a server without the route does. */
  consentTexts: ConsentText[] | null = null;
  /** Answer every sync call 401 device_revoked until the next pairing, as the server does for a revoked tablet. */
  revoked = false;
  private pairings = 0;
  private profileCounter = 0;
  private localToProfile = new Map<string, string>();

  transport(): ServerTransport {
    return { baseUrl: "http://tablet.test", fetch: (input, init) => this.handle(input, init) };
  }

  private async handle(input: string, init: RequestInit = {}): Promise<Response> {
    const url = new URL(input);
    this.calls.push(`${init.method ?? "GET"} ${url.pathname}`);
    if (this.failNext > 0) {
      this.failNext--;
      throw new TypeError("Failed to fetch");
    }
    if (url.pathname === "/api/sync/pair") {
      this.revoked = false;
      return json({
        deviceId: `dev-${++this.pairings}`,
        token: `tok-${this.pairings}`,
        shop: "shop-a.myshopify.com",
        location: "Market stall",
        ...this.pairExtras,
      });
    }
    if (this.revoked)
      return json(
        { error: "device_revoked", message: "this device was revoked in the admin; pair it again to sync" },
        401,
      );
    if (url.pathname === "/api/sync/push") return this.push(JSON.parse(String(init.body)));
    if (url.pathname === "/api/sync/pull") return this.pull(url.searchParams);
    if (url.pathname === "/api/sync/consent-texts" && this.consentTexts) return json({ texts: this.consentTexts });
    return json({ error: "not_found", message: "no route" }, 404);
  }

  private push(body: { clientId: string; mutations: Applied[] }): Response {
    const last = this.lastSeq.get(body.clientId) ?? 0;
    const first = body.mutations[0];
    if (first && (first.seq > last + 1 || (this.gapOnStale && first.seq <= last)))
      return json({ error: "seq_gap", message: "resend", expectedSeq: last + 1 }, 409);
    const result = {
      lastSeq: last,
      applied: [] as string[],
      skipped: [] as string[],
      rejected: [] as { id: string; seq: number; reason: string }[],
      profiles: {} as Record<string, string>,
    };
    for (const m of body.mutations) {
      if (this.applied.some((a) => a.id === m.id) || m.seq <= last) result.skipped.push(m.id);
      else if (this.rejectNames.has(m.name))
        result.rejected.push({ id: m.id, seq: m.seq, reason: "consent text does not match what the shop published" });
      else {
        this.applied.push(m);
        result.applied.push(m.id);
        if (m.name === "customer.capture") {
          const localId = String(m.args.localId);
          // As the real server: the same email is the same person; a name is only written when given.
          const sameEmail = m.args.email
            ? [...this.profiles].reverse().find((p) => p.emails.includes(m.args.email as string))
            : undefined;
          if (sameEmail && !this.localToProfile.has(localId)) {
            this.localToProfile.set(localId, sameEmail.profileId);
            result.profiles[localId] = sameEmail.profileId;
            const phone = m.args.phone as string | null;
            this.profiles.push({
              ...sameEmail,
              firstName: (m.args.firstName as string) ?? sameEmail.firstName,
              lastName: (m.args.lastName as string) ?? sameEmail.lastName,
              phones: phone && !sameEmail.phones.includes(phone) ? [...sameEmail.phones, phone] : sameEmail.phones,
            });
            result.lastSeq = Math.max(result.lastSeq, m.seq);
            continue;
          }
          const profileId = this.localToProfile.get(localId) ?? `p-${++this.profileCounter}`;
          this.localToProfile.set(localId, profileId);
          result.profiles[localId] = profileId;
          this.profiles.push({
            profileId,
            firstName: (m.args.firstName as string) ?? null,
            lastName: (m.args.lastName as string) ?? null,
            emails: m.args.email ? [m.args.email as string] : [],
            phones: m.args.phone ? [m.args.phone as string] : [],
            tier: null,
            points: 0,
            lifecycleStage: "new",
            consent: { email: false, sms: false, whatsapp: false, push: false },
          });
        }
      }
      result.lastSeq = Math.max(result.lastSeq, m.seq);
    }
    this.lastSeq.set(body.clientId, result.lastSeq);
    if (this.loseNextAnswer) {
      this.loseNextAnswer = false;
      throw new TypeError("connection reset after the server applied the batch");
    }
    return json(result);
  }

  private pull(q: URLSearchParams): Response {
    const cursor = Number(q.get("cursor"));
    const limit = Number(q.get("limit"));
    if (this.resetNextPull) {
      this.resetNextPull = false;
      return json({ reset: true, cursor: 0, message: "feed compacted; download again" });
    }
    const page = this.profiles.slice(cursor, cursor + limit);
    return json({
      cursor: cursor + page.length,
      hasMore: cursor + page.length < this.profiles.length,
      lastSeq: this.lastSeq.get(q.get("clientId") ?? "") ?? 0,
      changes: page.map((profile, i) => ({ kind: "upsert", version: cursor + i + 1, profile })),
    });
  }
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
