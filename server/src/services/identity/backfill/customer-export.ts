import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { readCustomerRecord, type CustomerRecord } from "@c360/shared";

/** A record of a customer export that cannot be read, with the line (or array position) that holds it. */
export class CustomerExportError extends Error {
  constructor(
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${where}: ${reason}`);
  }
}

function readValue(value: unknown, where: string): CustomerRecord {
  const read = readCustomerRecord(value);
  if (!read.ok)
    throw new CustomerExportError(where, `not a Shopify customer record (${read.issues.slice(0, 3).join("; ")})`);
  return read.customer;
}

/** One line of an NDJSON export (blank lines are skipped by the callers). */
export function readCustomerLine(line: string, lineNumber: number): CustomerRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new CustomerExportError(`line ${lineNumber}`, "not valid JSON");
  }
  return readValue(value, `line ${lineNumber}`);
}

/**
 * A whole export, as a JSON array of customer records or as NDJSON (one record
 * per line). Throws on the first bad record.
 */
export function parseCustomerExport(text: string): CustomerRecord[] {
  if (/^\s*\[/.test(text)) {
    let values: unknown;
    try {
      values = JSON.parse(text);
    } catch {
      throw new CustomerExportError("body", "not a valid JSON array");
    }
    if (!Array.isArray(values)) throw new CustomerExportError("body", "not a JSON array");
    return values.map((v, n) => readValue(v, `record ${n + 1}`));
  }
  const customers: CustomerRecord[] = [];
  const lines = text.split("\n");
  for (let n = 0; n < lines.length; n++)
    if (lines[n]!.trim() !== "") customers.push(readCustomerLine(lines[n]!, n + 1));
  return customers;
}

/** Reads an NDJSON export line by line (a file of a million customers), throwing on the first bad line. */
export async function* readCustomerLines(lines: AsyncIterable<string>): AsyncGenerator<CustomerRecord> {
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() !== "") yield readCustomerLine(line, n);
  }
}

/**
 * The lines of an export file. The iterator is taken at once: readline drops the lines it reads before
 * anyone iterates, and a backfill opens its first transaction before it asks for the first record.
 */
export function exportFileLines(path: string): AsyncIterable<string> {
  return createInterface({ input: createReadStream(path), crlfDelay: Infinity })[Symbol.asyncIterator]();
}
