import type { PosCustomerView } from "@c360/shared";
import { formatMoney, pointsLabel } from "@c360/shared/labels";
import { decimalToMinor, minorToDecimal, redemptionChoices } from "@c360/shared/loyalty/redemption";
import { useState } from "preact/hooks";
import { OFFLINE_REFUSAL } from "../redemption";
import type { useRedemption } from "../runtime";

/** The cart's points: its state, whether a step is running, and the steps (see `useRedemption`). */
type Redemption = ReturnType<typeof useRedemption>;

/** "Redeem points": pick how many (the most the cart allows first), see the discount, apply or remove it. */
export function RedeemBody(props: {
  view: PosCustomerView;
  shopifyCustomerId: string;
  cartTotal: string;
  connected: boolean;
  redemption: Redemption;
}) {
  const { view, redemption, cartTotal } = props;
  const { state, busy } = redemption;
  const apply = (points: number) =>
    void redemption.apply({ shopifyCustomerId: props.shopifyCustomerId, points, cartTotal });
  const money = (minor: number) => formatMoney(Number(minorToDecimal(minor, view.currency)), view.currency);
  const [picked, setPicked] = useState<number | null>(null);
  if (state.status === "loading") return <s-text>Checking the cart…</s-text>;
  if (state.status === "on_cart") {
    const discount = state.view?.discount;
    return (
      <s-stack direction="block" gap="base">
        <s-text>
          {discount
            ? `${discount.title} on this cart: ${formatMoney(Number(discount.amount), discount.currency)} off.`
            : "Points are on this cart."}
        </s-text>
        {props.connected ? null : <s-banner heading={OFFLINE_REFUSAL} tone="warning" />}
        <s-button disabled={busy || !props.connected} onClick={() => void redemption.remove()}>
          Remove points discount
        </s-button>
      </s-stack>
    );
  }
  if (!view.redemption) return <s-banner heading="This shop has not set a points rate yet." tone="info" />;
  const choices = redemptionChoices({
    availablePoints: view.loyalty.points,
    rate: view.redemption,
    currency: view.currency,
    cartTotalMinor: decimalToMinor(cartTotal, view.currency),
  });
  if (choices.length === 0) {
    const minimum = pointsLabel(view.redemption.minimumPoints);
    return <s-text>{`Not enough points for a discount on this cart (the shop redeems from ${minimum}).`}</s-text>;
  }
  const chosen = choices.find((c) => c.points === picked) ?? choices[0]!;
  return (
    <s-stack direction="block" gap="base">
      <s-text>{`Available: ${pointsLabel(view.loyalty.points)}`}</s-text>
      {props.connected ? null : <s-banner heading={OFFLINE_REFUSAL} tone="warning" />}
      <s-stack direction="inline" gap="small">
        {choices.map((c) => (
          <s-button key={c.points} variant={c === chosen ? "primary" : "secondary"} onClick={() => setPicked(c.points)}>
            {`${pointsLabel(c.points)} · ${money(c.amountMinor)}`}
          </s-button>
        ))}
      </s-stack>
      <s-text>{`Discount: ${money(chosen.amountMinor)} for ${pointsLabel(chosen.points)}`}</s-text>
      <s-button disabled={busy || !props.connected} onClick={() => apply(chosen.points)}>
        {`Apply ${money(chosen.amountMinor)} discount`}
      </s-button>
    </s-stack>
  );
}
