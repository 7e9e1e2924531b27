import type { ColumnBaseConfig, ColumnDataType, SQL, Table } from "drizzle-orm";
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

type ColumnsOf<T extends Table> = T["_"]["columns"];

/**
 * A column's value as raw SQL answers it on either driver: drizzle hands postgres-js timestamps through as
 * text, int8 arrives as text on postgres-js, and PGlite may answer jsonb as its text. {@link jsonOf} and
 * `new Date(...)` / `Number(...)` turn them into what the schema says.
 */
type RawValue<C extends ColumnBaseConfig<ColumnDataType, string>> =
  | (C["columnType"] extends "PgTimestamp"
      ? Date | string
      : C["columnType"] extends "PgBigInt53"
        ? number | string
        : C["columnType"] extends "PgJsonb"
          ? C["data"] | string
          : C["data"])
  | (C["notNull"] extends true ? never : null);

type RawColumns<T extends Table> = {
  [K in keyof ColumnsOf<T> as ColumnsOf<T>[K]["_"]["name"]]: RawValue<ColumnsOf<T>[K]["_"]>;
};

/**
 * The row raw SQL answers for some of a table's columns, named as in the database and typed from the drizzle
 * schema: `queryRows<RawRow<typeof tables.profiles, "id" | "status">>`. A rename or a type change in
 * schema.ts then fails to compile here instead of drifting from a hand-written row type.
 */
export type RawRow<T extends Table, K extends keyof RawColumns<T> = keyof RawColumns<T>> = Pick<RawColumns<T>, K>;
