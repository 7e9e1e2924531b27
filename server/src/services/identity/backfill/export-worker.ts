/**
 * A worker thread of `CustomerExportReaders`: reads, checks and normalises batches of export lines, so the
 * main thread keeps PostgreSQL busy meanwhile. Same rules as the main thread's `readCustomerLine`.
 */
import { parentPort } from "node:worker_threads";
import type { CustomerEvent } from "./backfill-state";
import { identifyCustomer } from "./customer-event";
import { CustomerExportError, readCustomerLine } from "./customer-export";
import type { ExportBatch, ExportBatchResult } from "./export-readers";

const NOT_BLANK = /\S/;

parentPort!.on("message", (batch: ExportBatch) => {
  const now = new Date(batch.now);
  const events: CustomerEvent[] = [];
  let answer: ExportBatchResult;
  try {
    for (let n = 0; n < batch.lines.length; n++) {
      const line = batch.lines[n]!;
      if (NOT_BLANK.test(line))
        events.push(identifyCustomer(readCustomerLine(line, batch.firstLine + n), batch.rules, now));
    }
    answer = { id: batch.id, events };
  } catch (error) {
    answer =
      error instanceof CustomerExportError
        ? { id: batch.id, refused: { where: error.where, reason: error.reason } }
        : { id: batch.id, failed: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  parentPort!.postMessage(answer);
});
