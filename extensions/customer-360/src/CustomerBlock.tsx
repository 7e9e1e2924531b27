import { formatMoney, lifecycleStageLabel, loyaltyLine } from "@c360/shared/labels";
import { mount, useConnected, useProfile } from "./runtime";
import type { PosApi } from "./services";

interface BlockApi extends PosApi {
  customer: { id: number };
}

/** Tier, stage, points and spend on POS's own customer details screen. */
function CustomerBlock({ api }: { api: BlockApi }) {
  const connected = useConnected(api);
  const { state, offlineLabel } = useProfile(String(api.customer.id), connected);

  if (state.status === "loading") {
    return (
      <s-pos-block heading="Customer 360">
        <s-text>Loading Customer 360…</s-text>
      </s-pos-block>
    );
  }
  if (state.status === "not_found" || state.status === "unavailable") {
    return (
      <s-pos-block heading="Customer 360">
        <s-text color="subdued">{state.message}</s-text>
      </s-pos-block>
    );
  }
  const view = state.view;
  const duplicates = view.openDuplicates === 1 ? "1 possible duplicate" : `${view.openDuplicates} possible duplicates`;
  return (
    <s-pos-block heading="Customer 360">
      <s-stack direction="inline" gap="small">
        <s-badge tone="info">{view.loyalty.tier}</s-badge>
        <s-badge tone="neutral">{lifecycleStageLabel(view.lifecycleStage)}</s-badge>
        {view.openDuplicates > 0 ? <s-badge tone="warning">{duplicates}</s-badge> : null}
      </s-stack>
      <s-text>{loyaltyLine(view.loyalty.points, null, view.loyalty)}</s-text>
      <s-text>{`${view.orderCount} orders · ${formatMoney(view.lifetimeSpend, view.currency)} lifetime`}</s-text>
      {offlineLabel ? <s-text color="subdued">{offlineLabel}</s-text> : null}
    </s-pos-block>
  );
}

export default mount(CustomerBlock);
