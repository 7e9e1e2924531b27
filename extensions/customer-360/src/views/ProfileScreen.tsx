import type { PosCustomerView } from "@c360/shared";
import { CHURN_LABELS, engagementLabel, formatMoney, lifecycleStageLabel, loyaltyLine } from "@c360/shared/labels";
import { customerName, lastVisitLabel, progressPercent } from "../customer-summary";
import type { LoadedProfile } from "../runtime";

export function ProfileBody(props: {
  customerId: string | null;
  profile: LoadedProfile;
  now: Date;
  lookUp: preact.ComponentChildren;
  onOpenConsent: () => void;
  onOpenRedeem: () => void;
  onOpenUpsell: () => void;
}) {
  const { state, offlineLabel } = props.profile;
  if (!props.customerId) {
    return (
      <s-stack direction="block" gap="base">
        <s-text>No customer in the cart.</s-text>
        {props.lookUp}
      </s-stack>
    );
  }
  if (state.status === "loading") return <s-text>Loading customer…</s-text>;
  if (state.status === "not_found" || state.status === "unavailable") {
    return <s-banner heading={state.message} tone={state.status === "not_found" ? "info" : "critical"} />;
  }
  const view = state.view;
  return (
    <s-stack direction="block" gap="base">
      {offlineLabel ? <s-banner heading={offlineLabel} tone="info" /> : null}
      {view.openDuplicates > 0 ? <DuplicatesBanner count={view.openDuplicates} /> : null}
      <ProfileFacts view={view} now={props.now} />
      <s-stack direction="inline" gap="small">
        <s-button onClick={props.onOpenConsent}>Marketing consent</s-button>
        <s-button onClick={props.onOpenRedeem}>Redeem points</s-button>
        <s-button onClick={props.onOpenUpsell}>Upsell hints</s-button>
      </s-stack>
    </s-stack>
  );
}

function DuplicatesBanner(props: { count: number }) {
  const heading =
    props.count === 1
      ? "1 possible duplicate profile: check before capturing consent; merge it in the admin's duplicates queue."
      : `${props.count} possible duplicate profiles: check before capturing consent; ` +
        "merge them in the admin's duplicates queue.";
  return <s-banner heading={heading} tone="warning" />;
}

export function ProfileFacts(props: { view: PosCustomerView; now: Date }) {
  const { view } = props;
  const money = (amount: number) => formatMoney(amount, view.currency);
  return (
    <>
      <s-section heading={customerName(view)}>
        <s-stack direction="block" gap="small">
          <s-text>{`Lifecycle stage: ${lifecycleStageLabel(view.lifecycleStage)}`}</s-text>
          <s-text>{`Tier: ${view.loyalty.tier}`}</s-text>
          <s-text>
            {`Points: ${loyaltyLine(view.loyalty.points, null, view.loyalty)} (${progressPercent(view.loyalty)}%)`}
          </s-text>
        </s-stack>
      </s-section>
      <s-section heading="Purchases">
        <s-stack direction="block" gap="small">
          <s-text>{`Orders: ${view.orderCount}`}</s-text>
          <s-text>{`Lifetime spend: ${money(view.lifetimeSpend)}`}</s-text>
          <s-text>{`POS spend: ${money(view.posSpend)}`}</s-text>
          <s-text>{`Churn risk: ${view.churnBand ? CHURN_LABELS[view.churnBand] : "Not enough history"}`}</s-text>
          <s-text>{`Engagement: ${engagementLabel(view.engagementScore)}`}</s-text>
          <s-text>{`Last visit: ${lastVisitLabel(view.lastVisitAt, props.now)}`}</s-text>
        </s-stack>
      </s-section>
      {view.recentOrders && view.recentOrders.length > 0 ? (
        <s-section heading="Recent purchases">
          <s-stack direction="block" gap="small">
            {view.recentOrders.map((order) => (
              <s-text
                key={order.orderId}
              >{`${order.placedAt.slice(0, 10)} · ${money(order.total)} · ${order.products.join(", ")}`}</s-text>
            ))}
          </s-stack>
        </s-section>
      ) : null}
    </>
  );
}
