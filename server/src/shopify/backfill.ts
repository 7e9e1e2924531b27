import { sql } from "drizzle-orm";
import type { Db, Tx } from "../db/client";
import { queryRows, type RawRow } from "../db/rows";
import type * as tables from "../db/schema";
import type { JobHandler } from "../jobs/queue";
import { backfillCustomers } from "../services/identity/backfill/identity-backfill";
import { scanShopDuplicates } from "../services/identity/match";
import { ingestBatch } from "../services/ingest/ingest-batch";
import { loadShop } from "../services/shop/shop";
import { ShopifyCallFailed, type ShopifyAdmin } from "./admin";
import { enqueueShopifyJobs, SHOPIFY_JOBS } from "./enqueue";
import { BULK_CUSTOMERS, BULK_ORDERS, BULK_RUN, BULK_STATUS } from "./queries";
import { customerRecordsOf, endsChunkBefore, orderEventsOf, parseBulkLine, type BulkNode } from "./bulk-lines";
import { jsonlLinesFrom } from "./jsonl";
import { scheduleLoyaltyWrite } from "./loyalty-metafields";

/**
 * Lines of a bulk result ingested per job (one transaction): a few seconds of work, then the shop lock is free again.
 */
export const BACKFILL_CHUNK_LINES = 5000;
/** The same for customers, whose set-based path takes ten times as many lines in a few seconds. */
export const BACKFILL_CUSTOMER_CHUNK_LINES = 50_000;
/** How long between two polls of a running bulk operation. */
export const BULK_POLL_MS = 2000;

type Phase = "customers" | "orders";
/** Lines per job in each phase (tests pass small ones to read a result in several chunks). */
export type ChunkLines = Record<Phase, number>;
/** A backfill as raw SQL answers it, typed from the schema (`shopify_backfills`, every column). */
export type BackfillRow = RawRow<typeof tables.shopifyBackfills>;

export function backfillView(row: BackfillRow, now: Date) {
  const started = new Date(row.started_at);
  const finished = row.finished_at ? new Date(row.finished_at) : null;
  return {
    id: row.id,
    status: row.status,
    customers: Number(row.customers),
    orders: Number(row.orders),
    linesRead: Number(row.lines_done),
    linesSkipped: Number(row.lines_skipped),
    linesTotal: row.object_count == null ? null : Number(row.object_count),
    error: row.error,
    startedAt: started.toISOString(),
    finishedAt: finished?.toISOString() ?? null,
    elapsedSeconds: Math.round(((finished ?? now).getTime() - started.getTime()) / 1000),
  };
}

/**
 * Starts a backfill unless one is running (answered instead). Steps run as jobs with refs
 * `<id>:<step>`, each step's state in the backfill row, so a restart resumes where it stopped.
 */
export async function startBackfill(
  db: Db,
  shopId: string,
  now: Date,
): Promise<{ row: BackfillRow; created: boolean }> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`c360:shopify-backfill:${shopId}`}))`);
    const [running] = await queryRows<BackfillRow>(
      tx,
      sql`SELECT * FROM shopify_backfills WHERE shop_id = ${shopId} AND status NOT IN ('completed', 'failed') LIMIT 1`,
    );
    if (running) return { row: running, created: false };
    const id = crypto.randomUUID();
    const [row] = await queryRows<BackfillRow>(
      tx,
      sql`INSERT INTO shopify_backfills (shop_id, id, status, started_at)
        VALUES (${shopId}, ${id}, 'customers:starting', ${now}) RETURNING *`,
    );
    await enqueueShopifyJobs(tx, shopId, SHOPIFY_JOBS.backfill, [`${id}:run:customers`], now);
    return { row: row!, created: true };
  });
}

const next = (tx: Tx, shopId: string, ref: string, at: Date) =>
  enqueueShopifyJobs(tx, shopId, SHOPIFY_JOBS.backfill, [ref], at);

async function update(
  tx: Tx,
  shopId: string,
  id: string,
  fields: {
    status: string;
    bulkId?: string | null;
    url?: string | null;
    count?: number | null;
    error?: string | null;
    finishedAt?: Date | null;
  },
) {
  await tx.execute(sql`UPDATE shopify_backfills SET status = ${fields.status},
      bulk_operation_id = ${fields.bulkId === undefined ? sql`bulk_operation_id` : fields.bulkId},
      result_url = ${fields.url === undefined ? sql`result_url` : fields.url},
      object_count = ${fields.count === undefined ? sql`object_count` : fields.count},
      lines_done = ${fields.url === undefined ? sql`lines_done` : 0},
      bytes_done = ${fields.url === undefined ? sql`bytes_done` : 0},
      error = ${fields.error ?? null}, finished_at = ${fields.finishedAt ?? null}
    WHERE shop_id = ${shopId} AND id = ${id}`);
}

/**
 * `shopify.backfill` jobs: run a bulk query, poll it, then ingest its JSONL result in chunks; customers (then
 * one duplicate pass over the shop), then orders.
 */
export function backfillJobHandler(
  admin: ShopifyAdmin,
  clock: () => Date,
  chunkLines: ChunkLines = { customers: BACKFILL_CUSTOMER_CHUNK_LINES, orders: BACKFILL_CHUNK_LINES },
): JobHandler {
  return async (tx, job) => {
    const [id, step, phase, arg] = job.ref.split(":") as [string, string, Phase, string | undefined];
    const [row] = await queryRows<BackfillRow>(
      tx,
      sql`SELECT * FROM shopify_backfills WHERE shop_id = ${job.shop_id} AND id = ${id} FOR UPDATE`,
    );
    if (!row || row.status === "completed" || row.status === "failed") return;
    const now = clock();
    if (step === "run") {
      const { data } = await admin.graphql<{
        bulkOperationRunQuery: { bulkOperation: { id: string } | null; userErrors: { message: string }[] };
      }>(job.shop_id, BULK_RUN, { query: phase === "customers" ? BULK_CUSTOMERS : BULK_ORDERS }, tx);
      const op = data.bulkOperationRunQuery.bulkOperation;
      // Another bulk query of this app is still running: retried with backoff until Shopify takes ours.
      if (!op)
        throw new ShopifyCallFailed(
          `bulkOperationRunQuery: ${data.bulkOperationRunQuery.userErrors.map((e) => e.message).join("; ")}`,
        );
      await update(tx, job.shop_id, id, { status: `${phase}:running`, bulkId: op.id, url: null, count: null });
      await next(tx, job.shop_id, `${id}:poll:${phase}:1`, new Date(now.getTime() + BULK_POLL_MS));
      return;
    }
    if (step === "poll") {
      const { data } = await admin.graphql<{
        node: { status: string; errorCode: string | null; objectCount: string; url: string | null } | null;
      }>(job.shop_id, BULK_STATUS, { id: row.bulk_operation_id }, tx);
      const op = data.node;
      if (!op || ["FAILED", "CANCELED", "EXPIRED"].includes(op.status)) {
        await update(tx, job.shop_id, id, {
          status: "failed",
          error: `bulk ${phase} query ${op?.status ?? "vanished"}${op?.errorCode ? ` (${op.errorCode})` : ""}`,
          finishedAt: now,
        });
        return;
      }
      if (op.status !== "COMPLETED") {
        await next(
          tx,
          job.shop_id,
          `${id}:poll:${phase}:${Number(arg ?? 0) + 1}`,
          new Date(now.getTime() + BULK_POLL_MS),
        );
        return;
      }
      await update(tx, job.shop_id, id, { status: `${phase}:reading`, url: op.url, count: Number(op.objectCount) });
      await next(tx, job.shop_id, `${id}:read:${phase}:0`, now);
      return;
    }
    if (step === "scan") {
      if (row.status !== "customers:scanning") return;
      // Duplicates among the customers just loaded, in one whole-shop pass, as the NDJSON backfill does.
      if (Number(row.customers) > 0) {
        await loadShop(tx, job.shop_id, { lock: true });
        await scanShopDuplicates(tx, job.shop_id, now);
      }
      await update(tx, job.shop_id, id, { status: "orders:starting" });
      await next(tx, job.shop_id, `${id}:run:orders`, now);
      return;
    }
    await readChunk(tx, job.shop_id, row, { phase, from: Number(arg ?? 0), limit: chunkLines[phase] }, now);
  };
}

/**
 * Ingests the next chunk of a bulk result, from where the last one ended (the row's byte offset: only the rest
 * of the file is downloaded). Customers go through the identity backfill's set-based path; orders, with their
 * line items (child lines carrying `__parentId`, never split between chunks), through the webhook ingestion.
 * The offset moves in the same transaction as the chunk's writes, so a retried or interrupted job reads the
 * same chunk again and nothing is counted twice; a job whose chunk was already read (a stale ref) does nothing.
 */
async function readChunk(
  tx: Tx,
  shopId: string,
  row: BackfillRow,
  { phase, from, limit }: { phase: Phase; from: number; limit: number },
  now: Date,
) {
  if (row.status !== `${phase}:reading` || from !== Number(row.lines_done)) return;
  const nodes: (BulkNode | null)[] = [];
  let offset = Number(row.bytes_done);
  // A backfill begun before byte offsets were kept (migration 0015) knows only its lines: skipped once here.
  let readBefore = offset === 0 ? from : 0;
  let ended = true;
  if (row.result_url) {
    for await (const line of jsonlLinesFrom(row.result_url, offset)) {
      if (readBefore > 0) {
        readBefore--;
        offset = line.next;
        continue;
      }
      const node = parseBulkLine(line.text);
      if (endsChunkBefore(node, nodes.length, limit)) {
        ended = false;
        break;
      }
      nodes.push(node);
      offset = line.next;
    }
  }
  let ingested = 0;
  let skipped = 0;
  if (phase === "customers") {
    const { customers, skipped: bad } = customerRecordsOf(nodes);
    if (customers.length > 0) {
      const shop = await loadShop(tx, shopId, { lock: true });
      await backfillCustomers(tx, shop, customers, now, { scanArrivals: false });
    }
    [ingested, skipped] = [customers.length, bad];
  } else {
    const { events, skipped: bad } = orderEventsOf(nodes);
    if (events.length > 0) await ingestBatch(tx, await loadShop(tx, shopId, { lock: true }), events, now);
    [ingested, skipped] = [events.length, bad];
  }
  const done = from + nodes.length;
  const column = phase === "customers" ? sql`customers` : sql`orders`;
  await tx.execute(sql`UPDATE shopify_backfills SET lines_done = ${done}, bytes_done = ${offset},
      lines_skipped = lines_skipped + ${skipped}, ${column} = ${column} + ${ingested}
    WHERE shop_id = ${shopId} AND id = ${row.id}`);
  if (!ended) return next(tx, shopId, `${row.id}:read:${phase}:${done}`, now);
  if (phase === "customers") {
    await update(tx, shopId, row.id, { status: "customers:scanning" });
    return next(tx, shopId, `${row.id}:scan:customers`, now);
  }
  await update(tx, shopId, row.id, { status: "completed", finishedAt: now });
  await scheduleLoyaltyWrite(tx, shopId, now);
}
