import type { RegisterCustomerMatch } from "@c360/shared";
import { useState } from "preact/hooks";
import { ServerCallError } from "../api";
import { useServices } from "../runtime";
import type { CartPosApi } from "../services";

type Search =
  | { status: "idle" }
  | { status: "searching" }
  | { status: "found"; customers: RegisterCustomerMatch[] }
  | { status: "failed"; message: string };

const nameOf = (c: RegisterCustomerMatch) => [c.firstName, c.lastName].filter(Boolean).join(" ") || "Unnamed customer";

/**
 * Finds a customer by name, email or phone and attaches them to the cart (Cart API `setCustomer`);
 * each match shows email and phone so the clerk confirms who it is. The cart then drives every screen.
 */
export function CustomerFinder(props: { api: CartPosApi; connected: boolean }) {
  const services = useServices();
  const [search, setSearch] = useState<Search>({ status: "idle" });

  async function run(raw: string) {
    const query = raw.trim();
    if (query.length < 2)
      return setSearch({ status: "failed", message: "Type at least 2 characters of a name, email or phone." });
    if (!props.connected) return setSearch({ status: "failed", message: "Looking up a customer needs a connection." });
    setSearch({ status: "searching" });
    try {
      setSearch({ status: "found", customers: await services.client.searchCustomers(query) });
    } catch (error) {
      setSearch({
        status: "failed",
        message: error instanceof ServerCallError ? error.message : "The look-up failed; try again.",
      });
    }
  }

  async function attach(customer: RegisterCustomerMatch) {
    if (!customer.shopifyCustomerId) return;
    await props.api.cart.setCustomer({ id: Number(customer.shopifyCustomerId) });
    services.toast(`${nameOf(customer)} added to the cart.`);
  }

  return (
    <s-stack direction="block" gap="small">
      <s-text type="small">Find the customer by name, email or phone, then add them to the cart.</s-text>
      <s-search-field
        placeholder="Name, email or phone"
        onChange={(event) => void run(String((event.currentTarget as { value?: string }).value ?? ""))}
      />
      {search.status === "searching" ? <s-text>Searching…</s-text> : null}
      {search.status === "failed" ? <s-text tone="critical">{search.message}</s-text> : null}
      {search.status === "found" && search.customers.length === 0 ? <s-text>No customer matches.</s-text> : null}
      {search.status === "found"
        ? search.customers.map((customer) => (
            <s-section key={customer.profileId} heading={nameOf(customer)}>
              <s-stack direction="block" gap="small">
                <s-text>{`Email: ${customer.emails.join(", ") || "none"}`}</s-text>
                <s-text>{`Phone: ${customer.phones.join(", ") || "none"}`}</s-text>
                {customer.shopifyCustomerId ? (
                  <s-button onClick={() => void attach(customer)}>{`Add ${nameOf(customer)} to cart`}</s-button>
                ) : (
                  <s-text type="small">Not a Shopify customer yet, so POS cannot add them to a cart.</s-text>
                )}
              </s-stack>
            </s-section>
          ))
        : null}
    </s-stack>
  );
}
