import { List, ScrollView, Text } from "@shopify/ui-extensions-react/point-of-sale";
import type { CheckoutHint } from "../api";
import type { HintsState } from "../hooks";

const KIND_LABELS: Record<CheckoutHint["kind"], string> = {
  co_purchase: "Often bought together",
  replenishment: "Due for a refill",
  loyalty: "Loyalty",
};

export function UpsellBody(props: { hints: HintsState; hasCustomer: boolean }) {
  if (!props.hasCustomer) return <Text>Add a customer to the cart to see suggestions.</Text>;
  if (props.hints.status === "loading") return <Text>Loading suggestions…</Text>;
  if (props.hints.status === "unavailable") return <Text>{props.hints.message}</Text>;
  if (props.hints.hints.length === 0) return <Text>No suggestions for this cart.</Text>;
  return (
    <ScrollView>
      <List
        title="For this cart"
        data={props.hints.hints.map((hint, i) => ({
          id: `${hint.kind}-${hint.productId ?? "none"}-${i}`,
          leftSide: { label: KIND_LABELS[hint.kind], subtitle: [hint.message] },
        }))}
      />
    </ScrollView>
  );
}
