import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../http/context";

/** A request ID on every request and response, and one structured log line per request. */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const requestId = c.req.header("x-request-id")?.slice(0, 64) || crypto.randomUUID();
  c.set("requestId", requestId);
  const started = performance.now();
  await next();
  c.header("X-Request-Id", requestId);
  c.var.deps.log({
    level: c.res.status >= 500 ? "error" : "info",
    msg: "request",
    requestId,
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    ms: Math.round((performance.now() - started) * 10) / 10,
    shop: c.var.shopId,
  });
});
