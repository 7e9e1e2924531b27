import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { queryRows } from "../db/rows";
import { PAIRING_ALPHABET, PAIRING_MAX_FAILURES } from "../services/sync";
import { dbLabel, startTestServer, type TestServer } from "../test-support/harness";

/** Issue #17 item 8: pairing codes cannot be guessed without limit. */
describe(`pairing guard (${dbLabel()})`, () => {
  let t: TestServer;
  afterEach(async () => t.close());

  const pairFrom = (address: string, code: string) =>
    t.api("POST", "/api/sync/pair", {
      token: null,
      headers: { "x-forwarded-for": address },
      body: { code, deviceName: "Guess" },
    });
  /** The same lookup (first three characters) with another secret. */
  const wrongSecretFor = (code: string, i: number) => {
    const tail = [...code.slice(3)];
    tail[0] = PAIRING_ALPHABET[(PAIRING_ALPHABET.indexOf(tail[0]!) + 1 + i) % PAIRING_ALPHABET.length]!;
    return code.slice(0, 3) + tail.join("");
  };

  it("locks a code after a few wrong codes that reach it; guesses elsewhere do not count", async () => {
    t = await startTestServer({
      rateLimits: { perShop: 1e6, perDevice: 1e6, windowMs: 10_000, pairPerAddress: 1e6, pairOverall: 1e6 },
    });
    const { code } = await (await t.api("POST", "/api/devices/pairing-codes", { body: {} })).json();
    const elsewhere = code[0] === "A" ? "CCCCCCCC" : "AAAAAAAA";
    for (let i = 0; i < 10; i++) expect((await pairFrom("203.0.113.9", elsewhere)).status).toBe(401);
    const [untouched] = await queryRows<{ failed_attempts: number }>(
      t.runtime.db.db,
      sql`SELECT failed_attempts FROM pairing_codes`,
    );
    expect(untouched!.failed_attempts).toBe(0);

    for (let i = 0; i < PAIRING_MAX_FAILURES; i++) {
      const wrong = await pairFrom("203.0.113.9", wrongSecretFor(code, i));
      expect(wrong.status).toBe(401);
      expect((await wrong.json()).error).toBe("invalid_pairing_code");
    }
    const locked = await pairFrom("198.51.100.7", code);
    expect(locked.status).toBe(410);
    expect(await locked.json()).toEqual({
      error: "pairing_code_locked",
      message: "this pairing code was locked after too many wrong tries; create a new one in the admin",
    });
    const [devices] = await queryRows<{ n: string | number }>(t.runtime.db.db, sql`SELECT count(*) AS n FROM devices`);
    expect(Number(devices!.n)).toBe(0);

    // A fresh code pairs at once, and a clerk's typo or two does not lock it.
    const fresh = (await (await t.api("POST", "/api/devices/pairing-codes", { body: {} })).json()).code as string;
    expect((await pairFrom("198.51.100.7", wrongSecretFor(fresh, 0))).status).toBe(401);
    expect((await pairFrom("198.51.100.7", fresh)).status).toBe(201);
  });

  it("looks a typed code up by an index over every shop's codes", async () => {
    t = await startTestServer();
    await t.runtime.db.db.execute(sql`INSERT INTO pairing_codes (shop_id, code, location_id, expires_at)
      SELECT 'shop-' || (g % 50) || '.myshopify.com', upper(substr(md5(g::text), 1, 8)), NULL,
        timestamptz '2026-11-25 12:10+00'
      FROM generate_series(1, 20000) g ON CONFLICT DO NOTHING`);
    await t.runtime.db.db.execute(sql`ANALYZE pairing_codes`);
    const plan = await queryRows<{ "QUERY PLAN": string }>(
      t.runtime.db.db,
      sql`EXPLAIN SELECT shop_id, code, location_id, expires_at, used_at, locked_at FROM pairing_codes
          WHERE lookup = 'ZZZ' AND (code = 'ZZZZZZZZ' OR (used_at IS NULL AND locked_at IS NULL
            AND expires_at > ${t.clock()}))`,
    );
    expect(plan.map((r) => r["QUERY PLAN"]).join("\n")).toMatch(/Index Scan (using|on) pairing_codes_lookup/);
  });

  it("limits pairing attempts per client address and over all clients, with Retry-After", async () => {
    t = await startTestServer({
      rateLimits: { perShop: 1e6, perDevice: 1e6, windowMs: 10_000, pairPerAddress: 3, pairOverall: 5 },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await pairFrom("203.0.113.1", "ZZZZZZZZ")).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const limited = await pairFrom("203.0.113.1", "ZZZZZZZZ");
    expect(limited.headers.get("retry-after")).toBe("60");
    expect((await limited.json()).error).toBe("rate_limited");
    // Another address gets its own three, until the overall limit (5 counted so far: 3 + 2) is reached.
    expect((await pairFrom("203.0.113.2", "ZZZZZZZZ")).status).toBe(401);
    expect((await pairFrom("203.0.113.2", "ZZZZZZZZ")).status).toBe(401);
    const overall = await pairFrom("203.0.113.3", "ZZZZZZZZ");
    expect(overall.status).toBe(429);
    expect((await overall.json()).message).toMatch(/on this server right now/);
  });
});
