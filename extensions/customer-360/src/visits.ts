/**
 * A POS visit is logged when a customer is attached to a cart: once per customer per cart.
 * POS gives carts no ID, so a cart ends when it is empty with no customer (a finished or cleared
 * sale); a customer re-attached to the same cart is not a second visit.
 */
import type { PosVisitBody } from "./api";

/** The customers already logged for the cart on the register now; kept in POS storage. */
export interface CartVisits {
  shopifyCustomerIds: string[];
}

export interface CartSnapshot {
  customerId: string | null;
  lineCount: number;
}

export type VisitDecision =
  | { action: "log"; visitId: string; shopifyCustomerId: string; next: CartVisits }
  | { action: "forget" }
  | { action: "none" };

export function decideVisit(logged: CartVisits | null, cart: CartSnapshot, newId: () => string): VisitDecision {
  if (cart.customerId) {
    if (logged?.shopifyCustomerIds.includes(cart.customerId)) return { action: "none" };
    return {
      action: "log",
      visitId: newId(),
      shopifyCustomerId: cart.customerId,
      next: { shopifyCustomerIds: [...(logged?.shopifyCustomerIds ?? []), cart.customerId] },
    };
  }
  if (logged && cart.lineCount === 0) return { action: "forget" };
  return { action: "none" };
}

export function visitBody(
  visit: { visitId: string; shopifyCustomerId: string },
  at: Date,
  where: { locationId: string | null; staffId: string | null },
): PosVisitBody {
  return {
    id: visit.visitId,
    shopifyCustomerId: visit.shopifyCustomerId,
    at: at.toISOString(),
    locationId: where.locationId,
    staffId: where.staffId,
  };
}
