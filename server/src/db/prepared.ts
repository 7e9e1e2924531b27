import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type postgres from "postgres";
import type { Database } from "./client";
import { queryRows } from "./rows";

const dialect = new PgDialect();

/**
 * Runs a hot, fixed-text statement as a named prepared statement on PostgreSQL, so each connection
 * parses and plans it once. drizzle sends every `execute` unnamed (parse, plan, bind, execute on every
 * call), which on the register lookup cost PostgreSQL more than executing the plan. Only for
 * statements whose text does not vary per call: postgres.js keeps one prepared statement per distinct
 * text on each connection. On PGlite it is an ordinary query.
 */
export async function preparedRows<T = Record<string, unknown>>(database: Database, statement: SQL): Promise<T[]> {
  if (database.kind !== "postgres") return queryRows<T>(database.db, statement);
  const client = (database.db as unknown as { $client: postgres.Sql }).$client;
  const { sql, params } = dialect.sqlToQuery(statement);
  return (await client.unsafe(sql, params as postgres.ParameterOrJSON<never>[], { prepare: true })) as unknown as T[];
}

/**
 * A hot statement of fixed shape whose text is built once, at definition: drizzle's sql template and
 * sqlToQuery walk every chunk on each call, a visible share of the register lookup's Node time. `build`
 * must place each parameter exactly once and in the order given; that is checked here, once.
 */
export function fixedStatement<P extends string[]>(arity: P["length"], build: (...params: P) => SQL) {
  const marks = Array.from({ length: arity }, (_, i) => `\u0000param${i}`) as P;
  const { sql: text, params } = dialect.sqlToQuery(build(...marks));
  if (params.length !== arity || params.some((p, i) => p !== marks[i]))
    throw new Error("fixedStatement: each parameter must appear once, in order");
  return async <T>(database: Database, ...values: P): Promise<T[]> => {
    if (database.kind !== "postgres") return queryRows<T>(database.db, build(...values));
    const client = (database.db as unknown as { $client: postgres.Sql }).$client;
    return (await client.unsafe(text, values, { prepare: true })) as unknown as T[];
  };
}
