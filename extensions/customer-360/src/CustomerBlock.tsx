import { Badge, POSBlock, POSBlockRow, reactExtension, Stack, Text, useApi } from "@shopify/ui-extensions-react/point-of-sale";
import { LIFECYCLE_LABELS, formatMoney, nextTierLine } from "./customer-summary";
import { ExtensionRoot, useConnected, useProfile } from "./hooks";

/** Compact profile and loyalty on POS's own customer details screen. */
function CustomerBlock() {
  const api = useApi<"pos.customer-details.block.render">();
  const connected = useConnected(api.connectivity.subscribable);
  const { state, offlineLabel } = useProfile(String(api.customer.id), connected);

  if (state.status === "loading") {
    return (
      <POSBlock>
        <POSBlockRow>
          <Text>Loading Customer 360…</Text>
        </POSBlockRow>
      </POSBlock>
    );
  }
  if (state.status === "not_found" || state.status === "unavailable") {
    return (
      <POSBlock>
        <POSBlockRow>
          <Text color="TextSubdued">{state.message}</Text>
        </POSBlockRow>
      </POSBlock>
    );
  }
  const view = state.view;
  return (
    <POSBlock>
      <POSBlockRow>
        <Stack direction="inline" gap="200">
          <Badge text={view.loyalty.tier} variant="highlight" />
          <Badge text={LIFECYCLE_LABELS[view.lifecycleStage]} variant="neutral" />
          {view.openDuplicates > 0 ? <Badge text={`${view.openDuplicates} possible duplicate(s)`} variant="warning" /> : null}
        </Stack>
      </POSBlockRow>
      <POSBlockRow>
        <Text>{`${view.loyalty.points} points · ${nextTierLine(view.loyalty)}`}</Text>
      </POSBlockRow>
      <POSBlockRow>
        <Text>{`${view.orderCount} orders · ${formatMoney(view.lifetimeSpend, view.currency)} lifetime`}</Text>
      </POSBlockRow>
      {offlineLabel ? (
        <POSBlockRow>
          <Text color="TextSubdued">{offlineLabel}</Text>
        </POSBlockRow>
      ) : null}
    </POSBlock>
  );
}

export default reactExtension("pos.customer-details.block.render", (api) => (
  <ExtensionRoot api={api}>
    <CustomerBlock />
  </ExtensionRoot>
));
