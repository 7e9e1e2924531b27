import { adminCustomerToWebhook, adminOrderToWebhook, readCustomerRecord, type CustomerRecord } from "@c360/shared";
import { parseDataEvent, type DataEvent } from "../services/ingest/ingest-batch";

/** One line of a bulk operation's JSONL result: an object, or null when the line is not one. */
export type BulkNode = Record<string, unknown>;

export function parseBulkLine(text: string): BulkNode | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as BulkNode) : null;
  } catch {
    return null;
  }
}

/** A nested connection's node (an order's line item), flattened by Shopify onto its own line after its parent. */
export const isChildLine = (node: BulkNode | null): boolean => typeof node?.__parentId === "string";

/**
 * Where a chunk may end: before a readable top-level line, once it holds `limit` lines. An order never loses
 * line items to the next chunk, and an unreadable line (perhaps a line item) is never the cut either.
 */
export const endsChunkBefore = (node: BulkNode | null, linesInChunk: number, limit: number): boolean =>
  linesInChunk >= limit && node !== null && !isChildLine(node);

/**
 * The customers phase's lines as customer records, read as a customers/update webhook's payload would be.
 * A line that is not a customer record is skipped and counted: one bad line never stops a backfill.
 */
export function customerRecordsOf(nodes: readonly (BulkNode | null)[]): {
  customers: CustomerRecord[];
  skipped: number;
} {
  const customers: CustomerRecord[] = [];
  for (const node of nodes) {
    const read = node && !isChildLine(node) ? readCustomerRecord(adminCustomerToWebhook(node)) : null;
    if (read?.ok) customers.push(read.customer);
  }
  return { customers, skipped: nodes.length - customers.length };
}

/**
 * The orders phase's lines as orders/updated events, each order with the line items that follow it. A line
 * that cannot be read is skipped and counted, and so are line items whose order it was (or that name no
 * order just before them): an order is never stored with another order's lines.
 */
export function orderEventsOf(nodes: readonly (BulkNode | null)[]): { events: DataEvent[]; skipped: number } {
  const events: DataEvent[] = [];
  let skipped = 0;
  let order: BulkNode | null = null;
  let lines: BulkNode[] = [];
  const flush = () => {
    if (!order) return;
    const event = readOrder(order, lines);
    if (event) events.push(event);
    else skipped += 1 + lines.length;
    order = null;
    lines = [];
  };
  for (const node of nodes) {
    if (!node) skipped++;
    else if (!isChildLine(node)) {
      flush();
      order = node;
    } else if (order && node.__parentId === order.id) lines.push(node);
    else skipped++;
  }
  flush();
  return { events, skipped };
}

function readOrder(order: BulkNode, lineItems: BulkNode[]): DataEvent | null {
  try {
    return parseDataEvent("orders/updated", adminOrderToWebhook(order, { lineItems }));
  } catch {
    return null; // the zod error: not an order a webhook could carry
  }
}
