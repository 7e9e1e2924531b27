import { useState } from "preact/hooks";
import type { CartPosApi } from "../services";

/** Attaches a customer to the cart; the cart then drives every other screen. */
export function CustomerFinder(props: { api: CartPosApi; connected: boolean }) {
  const [error, setError] = useState<string | null>(null);
  async function attach(raw: string) {
    const id = Number(raw.trim());
    if (!Number.isSafeInteger(id) || id <= 0) return setError("Enter the customer's Shopify ID (digits only).");
    setError(null);
    await props.api.cart.setCustomer({ id });
  }
  return (
    <s-stack direction="block" gap="small">
      <s-text type="small">Add one to the cart, or look one up by Shopify customer ID.</s-text>
      <s-search-field
        placeholder="Shopify customer ID"
        onChange={(event) => void attach(String((event.currentTarget as { value?: string }).value ?? ""))}
      />
      {error ? <s-text tone="critical">{error}</s-text> : null}
    </s-stack>
  );
}
