/**
 * Redeeming points as a cart discount, for the register's views: the requests, the Cart API calls that
 * put the discount on the cart and take it off, and the one redemption a cart has (kept in POS Storage,
 * so the transaction-complete target, which runs apart from the views, can spend it).
 *
 * Never queued offline: only the server can hold the points, so two registers cannot spend them twice.
 * The discount goes on the cart only after the server answers that the points are held.
 */
import type { RedemptionView, redemptionHoldSchema } from "@c360/shared";
import { quoteRedemption, REDEMPTION_CART_PROPERTY, type RedemptionRate } from "@c360/shared/loyalty/redemption";
import type { z } from "zod";
import type { ApiRequest } from "./api";
import type { KeyValueStore } from "./storage";

export type RedemptionHoldBody = z.input<typeof redemptionHoldSchema>;

/** What the clerk reads when the register is offline. */
export const OFFLINE_REFUSAL =
  "Points can't be redeemed offline: the server has to hold them so they can't be spent twice. " +
  "Connect the register and try again.";

/** The cart's redemption in POS Storage: one entry, whatever the cart holds. */
export const ACTIVE_REDEMPTION_KEY = "c360:redemption";

const join = (appUrl: string, path: string) => `${appUrl.replace(/\/+$/, "")}${path}`;
const headers = (sessionToken: string, json: boolean): Record<string, string> => ({
  Authorization: `Bearer ${sessionToken}`,
  Accept: "application/json",
  ...(json ? { "Content-Type": "application/json" } : {}),
});
const path = (redemptionId: string, step: string) => `/api/pos/redemptions/${encodeURIComponent(redemptionId)}/${step}`;

export function holdRedemptionRequest(appUrl: string, sessionToken: string, body: RedemptionHoldBody): ApiRequest {
  return {
    method: "POST",
    url: join(appUrl, "/api/pos/redemptions"),
    headers: headers(sessionToken, true),
    body: JSON.stringify(body),
  };
}

export function releaseRedemptionRequest(appUrl: string, sessionToken: string, redemptionId: string): ApiRequest {
  return { method: "POST", url: join(appUrl, path(redemptionId, "release")), headers: headers(sessionToken, false) };
}

/** From `pos.transaction-complete.event.observe`, with the order the sale made. */
export function completeRedemptionRequest(
  appUrl: string,
  sessionToken: string,
  redemptionId: string,
  orderId: string | number,
): ApiRequest {
  return {
    method: "POST",
    url: join(appUrl, path(redemptionId, "complete")),
    headers: headers(sessionToken, true),
    body: JSON.stringify({ orderId }),
  };
}

/** The slice of the POS Cart API a redemption uses. */
export interface RedemptionCart {
  applyCartDiscount(type: "FixedAmount", title: string, amount: string): Promise<void> | void;
  removeCartDiscount(): Promise<void> | void;
  addCartProperties(properties: Record<string, string>): Promise<void> | void;
  removeCartProperties(keys: string[]): Promise<void> | void;
}

export type RedemptionOutcome =
  | { ok: true; view: RedemptionView }
  | { ok: false; reason: "offline" | "refused" | "server"; message: string; code?: string };

export interface RedemptionOptions {
  appUrl: string;
  getSessionToken: () => Promise<string | undefined>;
  /** Read at call time, so tests can swap the global `fetch`. */
  fetch?: () => typeof fetch;
  isOnline: () => boolean;
  newId: () => string;
  store: KeyValueStore;
  /** Absent in the background target, which has no cart to change: it only spends. */
  cart?: RedemptionCart;
}

interface PendingApply {
  redemptionId: string;
  shopifyCustomerId: string;
  points: number;
}

/**
 * One register's redemptions. `apply` holds and then discounts the cart; a retry after a lost answer
 * reuses the same redemption id, so the server holds the points once. `release` takes the discount off
 * and gives the points back; `complete` spends them (the order webhook also does, whichever is first).
 */
export function createRedemptions(options: RedemptionOptions) {
  const fetchImpl = options.fetch ?? (() => globalThis.fetch);
  let pending: PendingApply | null = null;

  async function send(request: (token: string) => ApiRequest): Promise<RedemptionOutcome> {
    if (!options.isOnline()) return { ok: false, reason: "offline", message: OFFLINE_REFUSAL };
    const token = await options.getSessionToken();
    if (!token) return { ok: false, reason: "refused", message: "POS gave no session token; sign in to POS again." };
    const r = request(token);
    let response: Response;
    try {
      response = await fetchImpl()(r.url, {
        method: r.method,
        headers: r.headers,
        ...(r.body ? { body: r.body } : {}),
      });
    } catch {
      return { ok: false, reason: "offline", message: OFFLINE_REFUSAL };
    }
    const payload = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (response.ok && typeof payload?.redemptionId === "string") return { ok: true, view: payload as RedemptionView };
    const message = typeof payload?.message === "string" ? payload.message : `The server answered ${response.status}.`;
    const code = typeof payload?.error === "string" ? payload.error : undefined;
    return { ok: false, reason: response.status < 500 ? "refused" : "server", message, ...(code ? { code } : {}) };
  }

  return {
    /** The redemption on this register's cart, if any. */
    active: () => activeRedemption(options.store),

    /**
     * Checks what the register knows (the shop's rate and the customer's points, when given) with the
     * server's own rule, then asks the server to hold the points and puts the discount on the cart.
     */
    async apply(input: {
      shopifyCustomerId: string;
      points: number;
      cartTotal?: string;
      known?: { availablePoints: number; rate: RedemptionRate; currency: string };
    }): Promise<RedemptionOutcome> {
      const cart = options.cart;
      if (!cart) return { ok: false, reason: "refused", message: "Points go on a cart from the Customer 360 screen." };
      if (await activeRedemption(options.store)) {
        return {
          ok: false,
          reason: "refused",
          message: "Points are already on this cart; remove that discount first.",
        };
      }
      if (input.known) {
        const quote = quoteRedemption({ requestedPoints: input.points, ...input.known });
        if (!quote.ok) return { ok: false, reason: "refused", message: quote.message, code: quote.code };
      }
      const same = pending && pending.shopifyCustomerId === input.shopifyCustomerId && pending.points === input.points;
      const redemptionId = same ? pending!.redemptionId : options.newId();
      pending = { redemptionId, shopifyCustomerId: input.shopifyCustomerId, points: input.points };
      const body: RedemptionHoldBody = {
        redemptionId,
        shopifyCustomerId: input.shopifyCustomerId,
        points: input.points,
        ...(input.cartTotal ? { cartTotal: input.cartTotal } : {}),
      };
      const outcome = await send((token) => holdRedemptionRequest(options.appUrl, token, body));
      // Only a lost answer keeps the id for a retry; anything the server decided starts afresh.
      if (outcome.ok || outcome.reason === "refused") pending = null;
      if (!outcome.ok) return outcome;
      if (outcome.view.state !== "held") {
        return { ok: false, reason: "refused", message: "These points were already used; apply them again." };
      }
      await cart.applyCartDiscount("FixedAmount", outcome.view.discount.title, outcome.view.discount.amount);
      await cart.addCartProperties({ [outcome.view.cartProperty.key]: outcome.view.cartProperty.value });
      await options.store.set(ACTIVE_REDEMPTION_KEY, outcome.view.redemptionId);
      return outcome;
    },

    /** The cart was cleared or the discount removed: give the points back. */
    async release(): Promise<RedemptionOutcome | null> {
      const redemptionId = await activeRedemption(options.store);
      if (!redemptionId) return null;
      const outcome = await send((token) => releaseRedemptionRequest(options.appUrl, token, redemptionId));
      if (outcome.ok) {
        await options.cart?.removeCartDiscount();
        await options.cart?.removeCartProperties([REDEMPTION_CART_PROPERTY]);
        await options.store.delete(ACTIVE_REDEMPTION_KEY);
      }
      return outcome;
    },

    /**
     * The sale completed. Offline, the order webhook spends the points when the order reaches Shopify,
     * so the cart's redemption is forgotten either way.
     */
    async complete(orderId: string | number): Promise<RedemptionOutcome | null> {
      const redemptionId = await activeRedemption(options.store);
      if (!redemptionId) return null;
      const outcome = await send((token) => completeRedemptionRequest(options.appUrl, token, redemptionId, orderId));
      await options.store.delete(ACTIVE_REDEMPTION_KEY);
      return outcome;
    },
  };
}

async function activeRedemption(store: KeyValueStore): Promise<string | null> {
  const value = await store.get(ACTIVE_REDEMPTION_KEY);
  return typeof value === "string" && value !== "" ? value : null;
}
