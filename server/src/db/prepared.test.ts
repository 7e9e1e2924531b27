import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTestDatabase } from "../test-support/database";
import { dbLabel } from "../test-support/harness";
import type { Database } from "./client";
import { fixedStatement } from "./prepared";

describe(`fixed statements (${dbLabel()})`, () => {
  let database: Database;
  beforeEach(async () => {
    database = await openTestDatabase();
  });
  afterEach(async () => database.close());

  it("runs with the values of each call, on the text built once", async () => {
    const pair = fixedStatement(2, (a: string, b: string) => sql`SELECT ${a}::text AS a, ${b}::text AS b`);
    expect(await pair<{ a: string; b: string }>(database, "x", "y")).toEqual([{ a: "x", b: "y" }]);
    expect(await pair<{ a: string; b: string }>(database, "y", "x")).toEqual([{ a: "y", b: "x" }]);
  });

  it("refuses a statement whose parameters are not each used once, in order", () => {
    expect(() => fixedStatement(2, (a: string, b: string) => sql`SELECT ${b}, ${a}`)).toThrow(/in order/);
    expect(() => fixedStatement(1, (a: string) => sql`SELECT ${a}, ${a}`)).toThrow(/in order/);
    expect(() => fixedStatement(2, (a: string, _b: string) => sql`SELECT ${a}`)).toThrow(/in order/);
  });
});
