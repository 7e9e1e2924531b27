import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { customerPayload } from "../../../test-support/payloads";
import { CustomerExportError, exportFileLines, parseCustomerExport, readCustomerLines } from "./customer-export";

describe("customer exports", () => {
  it("reads NDJSON and JSON arrays alike, skipping blank lines", () => {
    const records = [customerPayload({ id: 1, email: "a@x.com" }), customerPayload({ id: 2 })];
    const ndjson = parseCustomerExport(`${JSON.stringify(records[0])}\r\n\n${JSON.stringify(records[1])}\n`);
    expect(ndjson.map((c) => c.id)).toEqual(["1", "2"]);
    expect(parseCustomerExport(` ${JSON.stringify(records)}`)).toEqual(ndjson);
  });

  it("names the line or record that is wrong", () => {
    expect(() => parseCustomerExport(`${JSON.stringify(customerPayload({ id: 1 }))}\n\n{"id": 2, "email": 5}`)).toThrow(
      new CustomerExportError(
        "line 3",
        "not a Shopify customer record (email: Invalid input: expected string, received number)",
      ),
    );
    expect(() => parseCustomerExport("[1, 2")).toThrow(/^body: not a valid JSON array/);
    expect(() => parseCustomerExport(`[${JSON.stringify(customerPayload({ id: 1 }))}, {}]`)).toThrow(/^record 2: /);
  });

  it("reads every line of a file even when the first record is asked for late", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "export-")), "customers.jsonl");
    writeFileSync(
      path,
      Array.from({ length: 20_000 }, (_, n) => JSON.stringify(customerPayload({ id: n + 1 }))).join("\n"),
    );
    const customers = readCustomerLines(exportFileLines(path));
    await new Promise((resolve) => setTimeout(resolve, 100)); // a backfill opens its transaction first
    let count = 0;
    for await (const _customer of customers) count++;
    expect(count).toBe(20_000);
  });
});
