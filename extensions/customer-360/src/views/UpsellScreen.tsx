import type { CheckoutHint } from "../api";
import type { HintsState } from "../runtime";

const KIND_LABELS: Record<CheckoutHint["kind"], string> = {
  co_purchase: "Often bought together",
  replenishment: "Due for a refill",
  loyalty: "Loyalty",
};

export function UpsellBody(props: { hints: HintsState; hasCustomer: boolean }) {
  if (!props.hasCustomer) return <s-text>Add a customer to the cart to see suggestions.</s-text>;
  if (props.hints.status === "loading") return <s-text>Loading suggestions…</s-text>;
  if (props.hints.status === "unavailable") return <s-text>{props.hints.message}</s-text>;
  if (props.hints.hints.length === 0) return <s-text>No suggestions for this cart.</s-text>;
  return (
    <s-stack direction="block" gap="base">
      {props.hints.hints.map((hint, i) => (
        <s-section key={`${hint.kind}-${hint.productId ?? "none"}-${i}`} heading={KIND_LABELS[hint.kind]}>
          <s-text>{hint.message}</s-text>
        </s-section>
      ))}
    </s-stack>
  );
}
