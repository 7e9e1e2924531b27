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
    /** Each field that is wrong and what it expects (null: the input as a whole), for forms to place. */
    readonly fields?: { field: string | null; message: string }[],
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new HttpError(404, "not_found", `${what} was not found in this shop`);

/**
 * One thing wrong with the input: the field's path ("consents.0.channel", "" for the whole value) and what it expects.
 */
export interface FieldIssue {
  field: string;
  message: string;
}

type Issue = z.core.$ZodIssue;

/**
 * Every issue as a field and a message. A union (`a capture, or { consents: [...] }`) that matched no branch is
 * reported by the branch that came closest (fewest issues, then the deepest), so the caller reads "consents.0.channel:
 * expected one of email, sms…" rather than zod's bare "Invalid input".
 */
export function fieldIssues(error: { issues: readonly Issue[] }): FieldIssue[] {
  const flatten = (issue: Issue, prefix: PropertyKey[]): FieldIssue[] => {
    const path = [...prefix, ...issue.path];
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const depth = (issues: readonly Issue[]) => Math.max(0, ...issues.map((i) => i.path.length));
      const closest = [...issue.errors].sort((a, b) => a.length - b.length || depth(b) - depth(a))[0]!;
      return closest.flatMap((i) => flatten(i, path));
    }
    return [{ field: path.map(String).join("."), message: issue.message }];
  };
  return error.issues.flatMap((i) => flatten(i, []));
}

export function zodIssues(error: z.ZodError): string[] {
  return fieldIssues(error).map((i) => (i.field ? `${i.field}: ${i.message}` : i.message));
}

/** Parses with a zod schema or throws a 400 that names every field that is wrong. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, what = "request body"): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const fields = fieldIssues(result.error);
    const issues = fields.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message));
    throw new HttpError(400, "invalid_input", `${what} is not valid: ${issues.slice(0, 5).join("; ")}`, issues, fields);
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
