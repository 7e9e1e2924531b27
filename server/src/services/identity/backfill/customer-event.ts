import { normalizeIdentifiers, type CustomerRecord, type ShopSettings } from "@c360/shared";
import { isoTimestamp } from "../../../db/bulk-insert";
import { customerDetails } from "../resolve-identity-batch";
import type { CustomerEvent } from "./backfill-state";

/** The shop settings that decide a customer's identifiers: a chunk read with others is normalised again. */
export type IdentifierRules = Pick<ShopSettings, "defaultCountry" | "junkIdentifiers">;

export const sameIdentifierRules = (a: IdentifierRules, b: IdentifierRules): boolean =>
  a.defaultCountry === b.defaultCountry && JSON.stringify(a.junkIdentifiers) === JSON.stringify(b.junkIdentifiers);

/**
 * A Shopify customer as an identity event, with the details Shopify is the authority for and the raw
 * email and phone (normalised again should the shop's rules change while a chunk waits for the lock).
 * Flat, because a chunk holds a quarter of a million of them. Its identifiers may be empty: the caller decides.
 */
export function identifyCustomer(customer: CustomerRecord, rules: IdentifierRules, now: Date): CustomerEvent {
  const stamped = customer.updated_at ?? customer.created_at;
  return normalizeCustomerEvent(
    {
      // The webhook's event ID, so a backfill after (or before) the webhooks records each version once.
      id: `customer:${customer.id}:${stamped ? isoTimestamp(stamped) : "undated"}`,
      source: "customer",
      identifiers: [],
      at: stamped ?? now,
      ...customerDetails(customer),
      birthday: customer.birthday ?? null,
      customerId: customer.id,
      rawEmail: customer.email,
      rawPhone: customer.phone,
    },
    rules,
  );
}

/** Sets the event's identifiers from its raw email and phone under the shop's rules. */
export function normalizeCustomerEvent(event: CustomerEvent, rules: IdentifierRules): CustomerEvent {
  event.identifiers = normalizeIdentifiers(
    { shopifyCustomerId: event.customerId, email: event.rawEmail, phone: event.rawPhone },
    { defaultCountry: rules.defaultCountry, junk: rules.junkIdentifiers },
  );
  return event;
}
