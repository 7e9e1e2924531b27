import fc from "fast-check";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../db/rows";
import { dbLabel, SHOP_A, startTestServer, type TestServer } from "../test-support/harness";
import { customerPayload } from "../test-support/payloads";

/**
 * The pixel endpoint is public: anyone can send it anything. Fuzzed batches, from near-valid (one field
 * broken) to junk, are answered 2xx or 4xx with {error, message}, never 5xx; a refused batch writes nothing.
 */
const RUNS = Number(process.env.C360_FUZZ_RUNS ?? 60);

const nasty = fc.oneof(
  fc.constantFrom(
    "'; DROP TABLE web_events; --",
    "<script>x</script>",
    "\u0000",
    "\ud800",
    "💥\u202e",
    "1e309",
    "NaN",
    "",
    " ",
    "gid://shopify/Product/-1",
  ),
  fc.string({ maxLength: 30 }),
  fc.string({ minLength: 101, maxLength: 400 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
);
const validEvent = fc.record({
  id: fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
  name: fc.constantFrom("page_viewed", "product_viewed", "checkout_completed", "customer_identified", "cart_viewed"),
  at: fc
    .date({ min: new Date("2026-01-01T00:00:00Z"), max: new Date("2027-12-31T00:00:00Z"), noInvalidDate: true })
    .map((d) => d.toISOString()),
  productId: fc.option(fc.stringMatching(/^\d{1,12}$/), { nil: undefined }),
  email: fc.option(fc.oneof(fc.emailAddress(), fc.constantFrom("test@test.com", "n/a", "SARAH@MAILBOX.ORG")), {
    nil: undefined,
  }),
  phone: fc.option(fc.constantFrom("+14155550123", "000", "(415) 555-0199", "call me"), { nil: undefined }),
});
const clean = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
const validBatch = fc.record({
  shop: fc.constantFrom(SHOP_A, SHOP_A, "not-installed.myshopify.com"),
  clientId: fc.stringMatching(/^[A-Za-z0-9-]{8,40}$/),
  sessionId: fc.stringMatching(/^[A-Za-z0-9-]{8,40}$/),
  events: fc.array(validEvent.map(clean), { minLength: 1, maxLength: 20 }),
});
/** A valid batch with one field (top level or in one event) replaced by something hostile, or a field added. */
const brokenBatch = fc
  .tuple(
    validBatch,
    fc.constantFrom(
      "shop",
      "clientId",
      "sessionId",
      "events",
      "event.id",
      "event.name",
      "event.at",
      "event.productId",
      "event.email",
      "extra",
    ),
    nasty,
  )
  .map(([b, field, value]) => {
    const batch: Record<string, unknown> = { ...b, events: b.events.map((e) => ({ ...e })) };
    if (field === "extra") batch.admin = value;
    else if (field.startsWith("event.")) (batch.events as Record<string, unknown>[])[0]![field.slice(6)] = value;
    else batch[field] = value;
    return JSON.stringify(batch);
  });
const junkBody = fc.oneof(
  fc.constantFrom("", "{", "[]", "null", '"text"', '{"__proto__":{"x":1}}'),
  fc.json(),
  fc.string({ maxLength: 200 }),
);

describe(`fuzzing the public pixel endpoint (${dbLabel()})`, () => {
  let t: TestServer;
  beforeAll(async () => {
    // High limits: this test is about input, not about the rate limit.
    t = await startTestServer({
      rateLimits: { perShop: 3000, perDevice: 600, windowMs: 10_000, pixelPerClient: 100_000, pixelPerShop: 100_000 },
    });
    await t.webhook("customers/create", customerPayload({ id: 5101, email: "sarah@mailbox.org" }));
    await t.drain();
  });
  afterAll(async () => t.close());

  const counts = async () =>
    (
      await queryRows<{ c: string }>(
        t.runtime.db.db,
        sql`SELECT concat_ws(',', (SELECT count(*) FROM web_events), (SELECT count(*) FROM profiles), (SELECT count(*)
          FROM identifiers),
              (SELECT count(*) FROM identity_events)) AS c`,
      )
    )[0]!.c;

  it("answers every body 2xx or 4xx, never 5xx, and a refused one writes nothing", async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          validBatch.map((b) => JSON.stringify(b)),
          brokenBatch,
          junkBody,
        ),
        async (body) => {
          const before = await counts();
          const res = await t.runtime.app.request("/pixel/events", {
            method: "POST",
            headers: { "content-type": "text/plain" },
            body,
          });
          seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
          const text = await res.text();
          expect(res.status, `${res.status}: ${text.slice(0, 300)} for ${body.slice(0, 300)}`).toBeLessThan(500);
          if (res.status >= 400) {
            expect(JSON.parse(text)).toMatchObject({ error: expect.any(String), message: expect.any(String) });
            expect(await counts()).toBe(before);
          }
        },
      ),
      { numRuns: RUNS },
    );
    console.log(`pixel fuzz statuses: ${JSON.stringify(Object.fromEntries(seen))}`);
    // The mix reached both the accepting and the refusing paths.
    expect(seen.get(202) ?? 0).toBeGreaterThan(0);
    expect([...seen.keys()].some((s) => s >= 400)).toBe(true);
  });
});
