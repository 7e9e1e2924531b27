/** The SQLSTATE of a driver error, from postgres-js or PGlite, possibly wrapped by drizzle as `cause`. */
export function postgresErrorCode(error: unknown): string | undefined {
  for (
    let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 4;
    e = e.cause as typeof e, depth++
  ) {
    if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return undefined;
}

/**
 * Class 22, "data exception": a value from the request the database cannot hold (a NUL byte, a number out
 * of range, a malformed date). The caller's to fix, not ours: answered 400.
 */
export const isDataException = (error: unknown): boolean => postgresErrorCode(error)?.startsWith("22") ?? false;
