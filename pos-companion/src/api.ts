import { consentTextSchema, type ConsentText } from "@c360/shared/consent/texts";
import {
  pairResponseSchema,
  pullResponseSchema,
  pushGapSchema,
  pushResultSchema,
  type Mutation,
  type PairResponse,
  type PullResponse,
  type PushResult,
} from "@c360/shared/wire/sync";
import { z } from "zod";

/** Why a call failed, in words a clerk can act on, and whether trying again later can help. */
export class SyncHttpError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    readonly status: number | null,
  ) {
    super(message);
    this.name = "SyncHttpError";
  }
}

export interface ServerTransport {
  /** Same origin as the page in the app; an in-process server in tests. */
  fetch: (input: string, init?: RequestInit) => Promise<Response>;
  baseUrl: string;
}

async function call(
  t: ServerTransport,
  path: string,
  init: RequestInit & { token?: string | null },
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  if (init.body) headers.set("content-type", "application/json");
  let res: Response;
  try {
    res = await t.fetch(`${t.baseUrl}${path}`, { ...init, headers });
  } catch {
    throw new SyncHttpError("offline", "No connection to the server; changes are kept on this tablet.", true, null);
  }
  if (res.ok || res.status === 409) return res;
  const body = (await res.json().catch(() => null)) as { error?: string; message?: string } | null;
  const message = body?.message ?? `The server answered ${res.status}.`;
  if (res.status === 401) throw new SyncHttpError(body?.error ?? "unauthorized", message, false, 401);
  const retryable = res.status >= 500 || res.status === 429 || res.status === 408;
  throw new SyncHttpError(body?.error ?? `http_${res.status}`, message, retryable, res.status);
}

export async function pairDevice(
  t: ServerTransport,
  body: { code: string; deviceName: string },
): Promise<PairResponse> {
  const res = await call(t, "/api/sync/pair", { method: "POST", body: JSON.stringify(body) });
  return pairResponseSchema.parse(await res.json());
}

/** On a gap the server may still have applied the run before it; that part comes back as `result`. */
export type PushOutcome =
  | { kind: "ok"; result: PushResult }
  | { kind: "gap"; expectedSeq: number; result: PushResult | null };

export async function pushMutations(
  t: ServerTransport,
  token: string,
  body: { clientId: string; mutations: Mutation[] },
): Promise<PushOutcome> {
  const res = await call(t, "/api/sync/push", { method: "POST", body: JSON.stringify(body), token });
  const json = await res.json();
  if (res.status === 409) {
    const partial = pushResultSchema.safeParse(json);
    return {
      kind: "gap",
      expectedSeq: pushGapSchema.parse(json).expectedSeq,
      result: partial.success ? partial.data : null,
    };
  }
  return { kind: "ok", result: pushResultSchema.parse(json) };
}

export async function pullChanges(
  t: ServerTransport,
  token: string,
  q: { cursor: number; limit: number; clientId: string },
): Promise<PullResponse> {
  const params = new URLSearchParams({ cursor: String(q.cursor), limit: String(q.limit), clientId: q.clientId });
  const res = await call(t, `/api/sync/pull?${params}`, { method: "GET", token });
  return pullResponseSchema.parse(await res.json());
}

const consentTextsResponseSchema = z.object({ texts: z.array(consentTextSchema) });

/** The shop's published consent wording; `null` when this server has no such route yet. */
export async function fetchConsentTexts(t: ServerTransport, token: string): Promise<ConsentText[] | null> {
  try {
    const res = await call(t, "/api/sync/consent-texts", { method: "GET", token });
    return consentTextsResponseSchema.parse(await res.json()).texts;
  } catch (error) {
    if (error instanceof SyncHttpError && error.status === 404) return null;
    throw error;
  }
}
