import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTestDatabase, testDbKind } from "../test-support/database";
import fc from "fast-check";
import { bulkInsert, isoTimestamp, postgresClientOf, type BulkColumn } from "./bulk-insert";
import type { Database } from "./client";
import { queryRows } from "./rows";

const columns: BulkColumn[] = [
  { name: "id", type: "integer" },
  { name: "label", type: "text" },
  { name: "at", type: "timestamptz" },
  { name: "doc", type: "jsonb" },
];

describe(`bulkInsert (${testDbKind()})`, () => {
  let database: Database;
  beforeEach(async () => {
    database = await openTestDatabase();
    await database.db.execute(
      sql`CREATE TABLE bulk_probe (id integer PRIMARY KEY, label text, at timestamptz, doc jsonb)`,
    );
  });
  afterEach(async () => database.close());

  it("writes every row with its nulls, awkward characters, times and JSON intact", async () => {
    const awkward = "tab\there, new\nline, back\\slash, cr\r, quote ' \" and ünïcode \\N";
    const rows = Array.from({ length: 5_000 }, (_, n) => [
      n,
      n === 1 ? awkward : n % 3 ? `row ${n}` : null,
      new Date(Date.UTC(2026, 0, 1, 0, 0, n)),
      n % 2 ? { n, text: awkward } : null,
    ]);
    const written = await database.db.transaction(async (tx) => {
      expect(postgresClientOf(tx) !== null).toBe(database.kind === "postgres");
      return bulkInsert(tx, "bulk_probe", columns, rows);
    });
    expect(written).toBe(5_000);
    const back = await queryRows<{ id: number; label: string | null; at: Date | string; doc: unknown }>(
      database.db,
      sql`SELECT id, label, at, doc FROM bulk_probe WHERE id IN (0, 1, 2, 4999) ORDER BY id`,
    );
    const doc = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);
    expect(back.map((r) => [r.id, r.label, new Date(r.at).toISOString(), doc(r.doc)])).toEqual([
      [0, null, "2026-01-01T00:00:00.000Z", null],
      [1, awkward, "2026-01-01T00:00:01.000Z", { n: 1, text: awkward }],
      [2, "row 2", "2026-01-01T00:00:02.000Z", null],
      [4999, "row 4999", new Date(Date.UTC(2026, 0, 1, 0, 0, 4999)).toISOString(), { n: 4999, text: awkward }],
    ]);
  });

  it("writes a value larger than its buffer", async () => {
    const huge = "é".repeat(300_000);
    await database.db.transaction((tx) =>
      bulkInsert(tx, "bulk_probe", columns, [
        [1, "small", null, null],
        [2, huge, null, { huge }],
        [3, "after", null, null],
      ]),
    );
    const back = await queryRows<{ id: number; label: string }>(
      database.db,
      sql`SELECT id, label FROM bulk_probe ORDER BY id`,
    );
    expect(back.map((r) => [r.id, r.label.length])).toEqual([
      [1, 5],
      [2, 300_000],
      [3, 5],
    ]);
    expect(back[1]!.label).toBe(huge);
  });

  it("fails the transaction on a bad row and leaves nothing behind", async () => {
    const rows = [
      [1, "a", new Date(), null],
      [2, "b", new Date(), null],
      [1, "again", new Date(), null],
    ];
    const failure = await database.db
      .transaction((tx) => bulkInsert(tx, "bulk_probe", columns, rows))
      .catch((error: Error) => error);
    expect(String((failure as Error & { cause?: Error }).cause?.message ?? (failure as Error).message)).toMatch(
      /duplicate key/,
    );
    const [count] = await queryRows<{ n: number | string }>(database.db, sql`SELECT count(*) AS n FROM bulk_probe`);
    expect(Number(count!.n)).toBe(0);
    // The connection is still usable afterwards.
    await database.db.transaction((tx) => bulkInsert(tx, "bulk_probe", columns, [[7, "ok", new Date(), null]]));
    const [after] = await queryRows<{ n: number | string }>(database.db, sql`SELECT count(*) AS n FROM bulk_probe`);
    expect(Number(after!.n)).toBe(1);
  });
});

describe("isoTimestamp", () => {
  it("writes exactly what Date#toISOString writes", () => {
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true }), (date) => {
        expect(isoTimestamp(date)).toBe(date.toISOString());
      }),
      { numRuns: 5_000 },
    );
    for (const t of [0, 86_399_999, 86_400_000, 253_402_300_799_999, -1])
      expect(isoTimestamp(new Date(t))).toBe(new Date(t).toISOString());
  });
});
