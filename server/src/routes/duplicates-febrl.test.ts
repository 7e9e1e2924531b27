import { febrlCustomer, pairKey, readFebrl, scores, truePairs } from "@c360/shared/identity/match/testing/febrl";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dbLabel, startTestServer, type TestServer } from "../test-support/harness";

interface Duplicate {
  kind: string;
  score: number;
  evidence: { weight: number; fields: { field: string; verdict: string; words: string }[]; summary: string };
  profiles: ({ identifiers: { kind: string; value: string }[] } | null)[];
}

/**
 * The FEBRL record-linkage benchmark fed to the product as Shopify customers (POST /api/identity/backfill)
 * and read back from the duplicates queue (GET /api/duplicates): precision, recall and F1 per data set.
 */
describe(`duplicate detection on FEBRL through the API (${dbLabel()})`, () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());

  const readQueue = async (shop: string) => {
    const all: Duplicate[] = [];
    for (let offset = 0; ; offset += 100) {
      const res = await t.api("GET", `/api/duplicates?kind=probabilistic&limit=100&offset=${offset}`, { shop });
      expect(res.status).toBe(200);
      const page = (await res.json()) as { total: number; duplicates: Duplicate[] };
      all.push(...page.duplicates);
      if (offset + 100 >= page.total) return all;
    }
  };

  for (const [name, shop, minF1] of [
    ["dataset1", "febrl-one.myshopify.com", 0.9],
    ["dataset2", "febrl-two.myshopify.com", 0.9],
  ] as const) {
    const title = `${name}: backfilled customers come back as candidates with F1 at least ${minF1}`;
    it(title, { timeout: 240_000 }, async () => {
      const records = readFebrl(name);
      const customers = records.map((r, n) => febrlCustomer(r, 1000 + n));
      const customerOf = new Map(records.map((r, n) => [r.recId, String(1000 + n)]));
      const started = performance.now();
      const res = await t.api("POST", "/api/identity/backfill", { body: JSON.stringify(customers), shop });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ customers: records.length, profilesCreated: records.length, merged: 0 });
      const backfillMs = Math.round(performance.now() - started);

      const queue = await readQueue(shop);
      const found = new Set(
        queue.map((d) => {
          const [a, b] = d.profiles.map((p) => p!.identifiers.find((i) => i.kind === "shopify")!.value);
          return pairKey(a!, b!);
        }),
      );
      const s = scores(
        found,
        truePairs(records, (r) => customerOf.get(r.recId)!),
      );
      console.log(`FEBRL ${name} via backfill + /api/duplicates: ${JSON.stringify({ ...s, backfillMs })}`);
      expect(s.f1).toBeGreaterThanOrEqual(minF1);
      // Every candidate explains itself per field, and none was merged: probabilistic evidence only proposes.
      for (const d of queue) {
        expect(d.kind).toBe("probabilistic");
        expect(d.evidence.fields.length).toBeGreaterThan(0);
        expect(d.evidence.summary).toMatch(/% likely one person/);
      }
      const merges = await (await t.api("GET", "/api/merges?limit=100", { shop })).json();
      expect(merges.merges).toEqual([]);
    });
  }
});
