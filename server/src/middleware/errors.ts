import type { ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { DatabaseUnavailableError } from "../db/client";
import { HttpError } from "../http/errors";
import type { AppEnv } from "../http/context";

const CONNECTION_ERRORS = /ECONNREFUSED|ECONNRESET|CONNECTION_ENDED|CONNECTION_CLOSED|CONNECT_TIMEOUT|terminating connection|the database system is (starting up|shutting down)/i;

/** Maps failures to `{ error, message }`: 4xx for the caller's mistakes, 503 when the database is away, 500 otherwise. */
export const onError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof HttpError) {
    return c.json({ error: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) }, error.status);
  }
  if (error instanceof HTTPException) {
    const status = error.status;
    const code = status === 413 ? "body_too_large" : "http_error";
    return c.json({ error: code, message: error.message || "request refused" }, status);
  }
  const message = (error as Error).message ?? String(error);
  const deps = c.var.deps;
  if (error instanceof DatabaseUnavailableError || CONNECTION_ERRORS.test(message) || CONNECTION_ERRORS.test(String((error as { code?: unknown }).code))) {
    deps?.log({ level: "warn", msg: "database unavailable", requestId: c.var.requestId, error: message });
    c.header("Retry-After", "2");
    return c.json({ error: "database_unavailable", message: "the database is not reachable right now; retry shortly" }, 503);
  }
  deps?.log({ level: "error", msg: "unhandled error", requestId: c.var.requestId, path: c.req.path, error: message, stack: (error as Error).stack });
  return c.json({ error: "internal", message: "something went wrong on our side; the request was not applied" }, 500);
};
