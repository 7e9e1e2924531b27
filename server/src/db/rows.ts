import type { SQL } from "drizzle-orm";
import type { Queryable } from "./client";

/** Runs raw SQL and returns its rows on either driver (postgres-js answers an array, PGlite `{ rows }`). */
export async function queryRows<T = Record<string, unknown>>(q: Queryable, statement: SQL): Promise<T[]> {
  const result = (await q.execute(statement)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/**
 * A jsonb column's value on either driver: postgres-js parses it, PGlite may answer its text. Every jsonb read
 * goes through here rather than checking for a string at each call site.
 */
export function jsonOf<T = unknown>(value: unknown): T {
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}

/** A nullable jsonb value (an aggregate over no rows, a column not set yet), or `fallback` when it is null. */
export function jsonOr<T>(value: unknown, fallback: T): T {
  return value == null ? fallback : jsonOf<T>(value);
}
