import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "./client";

const COLUMN = /^([a-z_][a-z0-9_]*) (text|timestamptz|jsonb|bigint|integer|boolean)$/;

/** `profileId` → `profile_id`; a name already in snake case stays as it is. */
const snakeNames = new Map<string, string>();
function snakeCase(name: string): string {
  let snake = snakeNames.get(name);
  if (snake === undefined) {
    snake = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    snakeNames.set(name, snake);
  }
  return snake;
}

/**
 * One INSERT for a batch of one shop's rows where a conflict rule is needed (COPY has none). The rows
 * travel as one jsonb parameter, the same on postgres-js and PGlite and with no limit on parameters,
 * and are read back as `columns` says (`"id text, at timestamptz"`, the recordset's own notation). A
 * row's fields are its columns in camel or snake case (`profileId` fills `profile_id`); Dates go in as
 * ISO text. `shop_id` leads every row; `shared` columns hold one value for the batch (its receive time).
 */
export async function insertRecordset(
  q: Queryable,
  into: { table: string; shopId: string; columns: string; shared?: Record<string, unknown>; onConflict?: SQL },
  rows: readonly object[],
): Promise<void> {
  if (rows.length === 0) return;
  const names = into.columns.split(",").map((column) => {
    const match = COLUMN.exec(column.trim());
    if (!match) throw new Error(`not a "name type" column: ${column}`);
    return match[1]!;
  });
  const shared = Object.entries(into.shared ?? {});
  const list = (parts: SQL[]) => sql.join(parts, sql`, `);
  const target = list(
    ["shop_id", ...names, ...shared.map(([name]) => name)].map((name) => sql`${sql.identifier(name)}`),
  );
  const values = list([
    sql`${into.shopId}`,
    ...names.map((name) => sql`x.${sql.identifier(name)}`),
    ...shared.map(([, value]) => sql`${value}`),
  ]);
  const records = rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [snakeCase(k), v])));
  await q.execute(sql`INSERT INTO ${sql.identifier(into.table)} (${target}) SELECT ${values}
    FROM jsonb_to_recordset(${JSON.stringify(records)}::jsonb) AS x(${sql.raw(into.columns)})
      ${into.onConflict ?? sql``}`);
}
