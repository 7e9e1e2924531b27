import type { CheckoutHint } from "../api";
import type { HintsState } from "../runtime";

const KIND_LABELS: Record<CheckoutHint["kind"], string> = {
  co_purchase: "Often bought together",
  replenishment: "Due for a refill",
  viewed: "Viewed online",
  loyalty: "Loyalty",
};

/** Each hint names the product to offer and why, with "Add to cart" where the shop's orders name a variant. */
export function UpsellBody(props: {
  hints: HintsState;
  hasCustomer: boolean;
  onAdd: (hint: CheckoutHint & { variantId: string }) => void;
}) {
  if (!props.hasCustomer) return <s-text>Add a customer to the cart to see suggestions.</s-text>;
  if (props.hints.status === "loading") return <s-text>Loading suggestions…</s-text>;
  if (props.hints.status === "unavailable") return <s-text>{props.hints.message}</s-text>;
  if (props.hints.hints.length === 0) return <s-text>No suggestions for this cart.</s-text>;
  return (
    <s-stack direction="block" gap="base">
      {props.hints.hints.map((hint, i) => {
        const variantId = hint.variantId;
        return (
          <s-section
            key={`${hint.kind}-${hint.productId ?? "none"}-${i}`}
            heading={hint.productTitle ?? KIND_LABELS[hint.kind]}
          >
            <s-stack direction="block" gap="small">
              <s-text type="small">{KIND_LABELS[hint.kind]}</s-text>
              <s-text>{hint.message}</s-text>
              {variantId ? (
                <s-button
                  onClick={() => props.onAdd({ ...hint, variantId })}
                >{`Add ${hint.productTitle ?? "it"} to cart`}</s-button>
              ) : null}
            </s-stack>
          </s-section>
        );
      })}
    </s-stack>
  );
}
