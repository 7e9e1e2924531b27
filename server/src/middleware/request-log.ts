import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../http/context";

/** A request ID on every request and response, and one structured log line per request. */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const requestId = c.req.header("x-request-id")?.slice(0, 64) || crypto.randomUUID();
  c.set("requestId", requestId);
  const started = performance.now();
  // Set before the response exists, so c.json and friends build it in; setting it afterwards made
  // @hono/node-server turn its light response into a full Fetch Response (a stream) on every request.
  c.header("X-Request-Id", requestId);
  await next();
  if (!c.res.headers.has("x-request-id")) c.header("X-Request-Id", requestId); // a handler's own Response
  // c.get, not c.var: c.var copies every variable into a new object on each access.
  c.get("deps").log({
    level: c.res.status >= 500 ? "error" : "info",
    msg: "request",
    requestId,
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    ms: Math.round((performance.now() - started) * 10) / 10,
    shop: c.get("shopId"),
  });
});
