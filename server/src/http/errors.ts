import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";

/** A failure the caller can act on: answered as `{ error, message }` with a 4xx status. */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly issues?: string[],
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new HttpError(404, "not_found", `${what} was not found in this shop`);

export function zodIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message));
}

/** Parses with a zod schema or throws a 400 that names every field that is wrong. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, what = "request body"): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = zodIssues(result.error);
    throw new HttpError(400, "invalid_input", `${what} is not valid: ${issues.slice(0, 5).join("; ")}`, issues);
  }
  return result.data;
}

export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (!text) throw new HttpError(400, "invalid_json", "request body is empty; send JSON");
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "invalid_json", "request body is not valid JSON");
  }
}
