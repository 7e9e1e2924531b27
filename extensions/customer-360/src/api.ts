/**
 * Talking to the app's server. The request builders are pure (URL, headers and body from their inputs),
 * so contract tests can call them against the real server; `createServerClient` is the only part that
 * does I/O. Shapes come from `@c360/shared`'s wire schemas, so the register and the server agree.
 */
import type {
  ApiError,
  PosCustomerView,
  RegisterCustomerMatch,
  consentCaptureSchema,
  consentTextViewSchema,
  hintsResponseSchema,
  posVisitSchema,
  registerCustomerCreateSchema,
} from "@c360/shared";
import type { z } from "zod";

/*
 * Only types come from `@c360/shared` here: its zod schemas would put zod (about 470 KB, most of it
 * locales) into the register's bundle. The tests check every builder's body against those schemas,
 * and the contract tests check the server's answers against them.
 */

/** What the register sends: the schema's input side (dates as ISO strings). */
export type ConsentCaptureBody = z.input<typeof consentCaptureSchema>;
export type PosVisitBody = z.input<typeof posVisitSchema>;
export type NewCustomerBody = z.input<typeof registerCustomerCreateSchema>;
export interface CreatedCustomer {
  profileId: string;
  shopifyCustomerId: string | null;
}
export type ConsentText = z.infer<typeof consentTextViewSchema>;
export type CheckoutHint = z.infer<typeof hintsResponseSchema>["hints"][number];

export interface ApiRequest {
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  body?: string;
}

const authHeaders = (sessionToken: string): Record<string, string> => ({
  Authorization: `Bearer ${sessionToken}`,
  Accept: "application/json",
});

const join = (appUrl: string, path: string) => `${appUrl.replace(/\/+$/, "")}${path}`;

export function customerViewRequest(appUrl: string, sessionToken: string, shopifyCustomerId: string): ApiRequest {
  return {
    method: "GET",
    url: join(appUrl, `/api/pos/customers/${encodeURIComponent(shopifyCustomerId)}`),
    headers: authHeaders(sessionToken),
  };
}

/** The clerk's look-up by name, email or phone. */
export function customerSearchRequest(appUrl: string, sessionToken: string, query: string): ApiRequest {
  const params = new URLSearchParams({ q: query.trim() });
  return {
    method: "GET",
    url: join(appUrl, `/api/pos/customers?${params.toString()}`),
    headers: authHeaders(sessionToken),
  };
}

export function checkoutHintsRequest(
  appUrl: string,
  sessionToken: string,
  query: { shopifyCustomerId: string; productIds: readonly string[] },
): ApiRequest {
  const params = new URLSearchParams({ customer: query.shopifyCustomerId, lines: query.productIds.join(",") });
  return {
    method: "GET",
    url: join(appUrl, `/api/pos/hints?${params.toString()}`),
    headers: authHeaders(sessionToken),
  };
}

export function consentTextsRequest(appUrl: string, sessionToken: string): ApiRequest {
  return { method: "GET", url: join(appUrl, "/api/consent-texts"), headers: authHeaders(sessionToken) };
}

export function consentCaptureRequest(appUrl: string, sessionToken: string, capture: ConsentCaptureBody): ApiRequest {
  return jsonPost(join(appUrl, "/api/consents"), sessionToken, capture);
}

/** `POST /api/pos/customers`: a customer created at the register. */
export function newCustomerRequest(appUrl: string, sessionToken: string, customer: NewCustomerBody): ApiRequest {
  return jsonPost(join(appUrl, "/api/pos/customers"), sessionToken, customer);
}

export function posVisitRequest(appUrl: string, sessionToken: string, visit: PosVisitBody): ApiRequest {
  return jsonPost(join(appUrl, "/api/pos/visits"), sessionToken, visit);
}

function jsonPost(url: string, sessionToken: string, body: unknown): ApiRequest {
  return {
    method: "POST",
    url,
    headers: { ...authHeaders(sessionToken), "Content-Type": "application/json" },
    body: JSON.stringify(body),
  };
}

/**
 * Why a call did not give an answer. `offline` and `timeout` mean "try again later, use what you kept";
 * `rejected` is a 4xx the server explained (retrying the same request will not help);
 * `server` is a 5xx or an unreadable answer (retry later).
 */
export class ServerCallError extends Error {
  constructor(
    readonly kind: "offline" | "timeout" | "no_session" | "rejected" | "server",
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = "ServerCallError";
  }
  get retryable(): boolean {
    return this.kind !== "rejected" || this.status === 408 || this.status === 429;
  }
}

export interface ServerClientOptions {
  appUrl: string;
  getSessionToken: () => Promise<string | undefined>;
  /** Read at call time, so tests can swap the global `fetch`. */
  fetch?: () => typeof fetch;
  timeoutMs: number;
}

export type ServerClient = ReturnType<typeof createServerClient>;

export function createServerClient(options: ServerClientOptions) {
  const fetchImpl = options.fetch ?? (() => globalThis.fetch);

  async function token(): Promise<string> {
    const t = await options.getSessionToken();
    if (!t) throw new ServerCallError("no_session", "POS gave no session token; sign in to POS again.");
    return t;
  }

  async function send<T>(request: ApiRequest, looksRight: (payload: unknown) => payload is T): Promise<T> {
    const controller = typeof AbortController === "function" ? new AbortController() : undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller?.abort();
        reject(new ServerCallError("timeout", "The server is taking too long to answer."));
      }, options.timeoutMs);
    });
    let response: Response;
    try {
      const init: RequestInit = { method: request.method, headers: request.headers };
      if (request.body !== undefined) init.body = request.body;
      if (controller) init.signal = controller.signal;
      response = await Promise.race([fetchImpl()(request.url, init), timeout]);
    } catch (error) {
      if (error instanceof ServerCallError) throw error;
      throw new ServerCallError("offline", "Cannot reach the server.");
    } finally {
      clearTimeout(timer);
    }
    const payload: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const explained = isApiError(payload) ? payload : undefined;
      const message = explained?.message ?? `The server answered ${response.status}.`;
      const kind = response.status >= 400 && response.status < 500 ? "rejected" : "server";
      throw new ServerCallError(kind, message, response.status, explained?.error);
    }
    if (!looksRight(payload))
      throw new ServerCallError("server", "The server's answer was not understood.", response.status);
    return payload;
  }

  return {
    async customerView(shopifyCustomerId: string): Promise<PosCustomerView> {
      return send(customerViewRequest(options.appUrl, await token(), shopifyCustomerId), isCustomerView);
    },
    async searchCustomers(query: string): Promise<RegisterCustomerMatch[]> {
      const found = await send(
        customerSearchRequest(options.appUrl, await token(), query),
        hasArray<RegisterCustomerMatch, "customers">("customers"),
      );
      return found.customers;
    },
    async checkoutHints(query: { shopifyCustomerId: string; productIds: readonly string[] }): Promise<CheckoutHint[]> {
      return (
        await send(checkoutHintsRequest(options.appUrl, await token(), query), hasArray<CheckoutHint, "hints">("hints"))
      ).hints;
    },
    async consentTexts(): Promise<ConsentText[]> {
      return (await send(consentTextsRequest(options.appUrl, await token()), hasArray<ConsentText, "texts">("texts")))
        .texts;
    },
    async postConsent(capture: ConsentCaptureBody): Promise<void> {
      await send(consentCaptureRequest(options.appUrl, await token(), capture), hasArray("consents"));
    },
    async createCustomer(customer: NewCustomerBody): Promise<CreatedCustomer> {
      const looksCreated = (v: unknown): v is CreatedCustomer => isRecord(v) && typeof v.profileId === "string";
      return send(newCustomerRequest(options.appUrl, await token(), customer), looksCreated);
    },
    async postVisit(visit: PosVisitBody): Promise<void> {
      await send(posVisitRequest(options.appUrl, await token(), visit), (_: unknown): _ is unknown => true);
    },
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function isApiError(v: unknown): v is ApiError {
  return isRecord(v) && typeof v.error === "string" && typeof v.message === "string";
}

/** A light check that the answer is the register view; its full shape is the contract tests' job. */
function isCustomerView(v: unknown): v is PosCustomerView {
  return (
    isRecord(v) &&
    typeof v.profileId === "string" &&
    isRecord(v.loyalty) &&
    isRecord(v.consent) &&
    typeof v.openDuplicates === "number"
  );
}

function hasArray<T, K extends string = string>(key: K) {
  return (v: unknown): v is Record<K, T[]> => isRecord(v) && Array.isArray(v[key]);
}
