import { sql } from "drizzle-orm";

/** A text[] parameter that works the same through postgres-js and PGlite (an empty list is allowed). */
export function sqlTextArray(values: readonly string[]) {
  if (values.length === 0) return sql`ARRAY[]::text[]`;
  return sql`ARRAY[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;
}
