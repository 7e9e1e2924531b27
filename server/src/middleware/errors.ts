import type { ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { DatabaseUnavailableError } from "../db/client";
import { postgresErrorCode } from "../db/sql-state";
import { HttpError } from "../http/errors";
import type { AppEnv } from "../http/context";

const CONNECTION_ERRORS = new RegExp(
  [
    "ECONNREFUSED",
    "ECONNRESET",
    "CONNECTION_ENDED",
    "CONNECTION_CLOSED",
    "CONNECT_TIMEOUT",
    "terminating connection",
    "the database system is (starting up|shutting down)",
  ].join("|"),
  "i",
);

/**
 * Maps failures to `{ error, message }`: 4xx for the caller's mistakes, 503 when the database is away, 500 otherwise.
 */
export const onError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof HttpError) {
    const { code, message, issues, fields, status } = error;
    return c.json({ error: code, message, ...(issues ? { issues } : {}), ...(fields ? { fields } : {}) }, status);
  }
  if (error instanceof HTTPException) {
    const status = error.status;
    const code = status === 413 ? "body_too_large" : "http_error";
    return c.json({ error: code, message: error.message || "request refused" }, status);
  }
  const message = (error as Error).message ?? String(error);
  const deps = c.var.deps;
  const sqlState = postgresErrorCode(error);
  if (sqlState?.startsWith("22")) {
    // Class 22 is "data exception": a value from the request the database cannot hold (a NUL byte, a
    // number out of range, a malformed date). The transaction was rolled back; the caller must fix it.
    return c.json(
      { error: "invalid_value", message: `a value in the request cannot be stored (${dataExceptionReason(sqlState)})` },
      400,
    );
  }
  if (error instanceof DatabaseUnavailableError || isConnectionFailure(error)) {
    deps?.log({ level: "warn", msg: "database unavailable", requestId: c.var.requestId, error: message });
    c.header("Retry-After", "2");
    return c.json(
      { error: "database_unavailable", message: "the database is not reachable right now; retry shortly" },
      503,
    );
  }
  deps?.log({
    level: "error",
    msg: "unhandled error",
    requestId: c.var.requestId,
    path: c.req.path,
    error: message,
    stack: (error as Error).stack,
  });
  return c.json({ error: "internal", message: "something went wrong on our side; the request was not applied" }, 500);
};

function dataExceptionReason(code: string): string {
  switch (code) {
    case "22021":
      return "text with a NUL byte or invalid encoding";
    case "22001":
      return "text too long";
    case "22003":
      return "number out of range";
    case "22007":
    case "22008":
      return "invalid date or time";
    case "22P02":
      return "malformed value";
    default:
      return `SQLSTATE ${code}`;
  }
}

/** A lost or refused database connection anywhere in the cause chain (drizzle wraps driver errors). */
function isConnectionFailure(error: unknown): boolean {
  for (
    let e = error as { message?: unknown; code?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 4;
    e = e.cause as typeof e, depth++
  ) {
    if (CONNECTION_ERRORS.test(String(e.message ?? "")) || CONNECTION_ERRORS.test(String(e.code ?? ""))) return true;
  }
  return false;
}
