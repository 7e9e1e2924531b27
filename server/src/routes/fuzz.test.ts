import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../db/rows";
import { dbLabel, startTestServer, type TestServer } from "../test-support/harness";
import { customerPayload } from "../test-support/payloads";

/**
 * Every route, enumerated from the app, fed hostile input: wrong types, huge and odd strings, unicode,
 * nested junk, SQL and script injection. Only 4xx (or a legitimate 2xx) may come back, never a 5xx, and
 * a refused request leaves every table's row count as it was.
 */
const RUNS = Number(process.env.C360_FUZZ_RUNS ?? 12);

const nasty = fc.oneof(
  fc.constantFrom(
    "'; DROP TABLE profiles; --",
    '" OR 1=1 --',
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "\u0000",
    "💥🧨\u202e",
    "NaN",
    "-1",
    "1e309",
    "%00%27",
    "{{7*7}}",
    "null",
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ minLength: 5000, maxLength: 20000 }),
);
const junk = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    nasty,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(
        nasty,
        fc.constantFrom("profileId", "channel", "id", "identifiers", "mutations", "consents", "email", "at"),
      ),
      tie("value"),
      { maxKeys: 5 },
    ),
  ),
})).value;
const body = fc.oneof(junk, fc.constantFrom("{not json", "", "[]", '"text"', '{"__proto__": {"admin": true}}'));

describe(`fuzzing every route (${dbLabel()})`, () => {
  let t: TestServer;
  let deviceToken = "";
  beforeAll(async () => {
    // Pages this test owns, so it never depends on whether the front ends were built before it.
    const pages = mkdtempSync(join(tmpdir(), "c360-fuzz-sites-"));
    const sites = ["companion", "admin"].map((name) => {
      mkdirSync(join(pages, name));
      writeFileSync(join(pages, name, "index.html"), `<!doctype html><title>${name}</title>`);
      return { mount: `/${name}`, dist: join(pages, name), name };
    });
    t = await startTestServer({ sites });
    await t.webhook("customers/create", customerPayload({ id: 9100, email: "fuzz@mailbox.org" }));
    await t.drain();
    const code = await (await t.api("POST", "/api/devices/pairing-codes", { body: {} })).json();
    deviceToken = (
      await (
        await t.api("POST", "/api/sync/pair", { token: null, body: { code: code.code, deviceName: "fuzz tablet" } })
      ).json()
    ).token;
  });
  afterAll(async () => t.close());

  const rowCounts = async () => {
    const tables = await queryRows<{ table_name: string }>(
      t.runtime.db.db,
      sql`SELECT DISTINCT table_name FROM information_schema.columns WHERE column_name = 'shop_id'
        AND table_schema = 'public' AND table_name <> 'jobs'`,
    );
    const [row] = await queryRows<{ counts: string }>(
      t.runtime.db.db,
      sql.raw(
        `SELECT concat_ws(',', ${tables.map((x) => `(SELECT count(*) FROM "${x.table_name}")`).join(", ")}) AS counts`,
      ),
    );
    return row!.counts;
  };

  it("answers hostile input with 4xx and no partial write", async () => {
    const routes = [
      ...new Map(
        t.runtime.app.routes.filter((r) => r.method !== "ALL").map((r) => [`${r.method} ${r.path}`, r]),
      ).values(),
    ];
    let requests = 0;
    let fiveHundreds = 0;
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(body, fc.array(nasty, { minLength: 3, maxLength: 3 }), async (payload, params) => {
          let p = 0;
          const path = route.path
            .replace(/:[A-Za-z]+/g, () => encodeURIComponent(params[p++ % params.length]!.slice(0, 300)))
            .replace("*", "x");
          const query =
            `?cursor=${encodeURIComponent(params[0]!.slice(0, 100))}` +
            `&limit=${encodeURIComponent(params[1]!.slice(0, 50))}` +
            `&query=${encodeURIComponent(params[2]!.slice(0, 100))}`;
          const before = await rowCounts();
          const token = route.path.startsWith("/api/sync/") ? deviceToken : undefined;
          const sendBody =
            route.method === "GET" ? undefined : typeof payload === "string" ? payload : JSON.stringify(payload);
          const res =
            route.path === "/webhooks/shopify"
              ? await t.webhook("orders/create", sendBody ?? "{}")
              : await t.api(route.method, `${path}${query}`, { token, body: sendBody });
          requests++;
          const text = await res.text();
          if (res.status >= 500) fiveHundreds++;
          expect(
            res.status,
            `${route.method} ${route.path} answered ${res.status}: ${text.slice(0, 300)}`,
          ).toBeLessThan(500);
          if (res.status >= 400) {
            expect(JSON.parse(text), `${route.method} ${route.path}: a 4xx carries {error, message}`).toMatchObject({
              error: expect.any(String),
              message: expect.any(String),
            });
            expect(await rowCounts(), `${route.method} ${route.path} wrote rows while refusing the request`).toBe(
              before,
            );
          }
        }),
        { numRuns: RUNS },
      );
    }
    console.log(`fuzzed ${routes.length} routes with ${requests} requests; 5xx seen: ${fiveHundreds}`);
    expect(fiveHundreds).toBe(0);
    // Hundreds of requests: on a loaded two-core machine PGlite needs more than the default minute.
  }, 180_000);
});
