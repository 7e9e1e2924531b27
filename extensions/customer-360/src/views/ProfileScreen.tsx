import type { PosCustomerView } from "@c360/shared";
import { Banner, Button, ScrollView, SearchBar, Section, Stack, Text } from "@shopify/ui-extensions-react/point-of-sale";
import {
  CHURN_LABELS,
  LIFECYCLE_LABELS,
  customerName,
  formatMoney,
  lastVisitLabel,
  nextTierLine,
  progressPercent,
} from "../customer-summary";
import type { LoadedProfile } from "../hooks";

export function ProfileBody(props: {
  customerId: string | null;
  profile: LoadedProfile;
  now: Date;
  onLookUp: (shopifyCustomerId: string) => void;
  onOpenConsent: () => void;
  onOpenUpsell: () => void;
}) {
  const { state, offlineLabel } = props.profile;
  if (!props.customerId) {
    return (
      <ScrollView>
        <Text>No customer in the cart.</Text>
        <Text variant="captionRegular">Add one to the cart, or look one up by Shopify customer ID.</Text>
        <SearchBar placeholder="Shopify customer ID" onSearch={(value) => value.trim() && props.onLookUp(value.trim())} />
      </ScrollView>
    );
  }
  if (state.status === "loading") return <Text>Loading customer…</Text>;
  if (state.status === "not_found" || state.status === "unavailable") {
    return <Banner title={state.message} variant={state.status === "not_found" ? "information" : "error"} visible hideAction />;
  }
  const view = state.view;
  return (
    <ScrollView>
      {offlineLabel ? <Banner title={offlineLabel} variant="information" visible hideAction /> : null}
      {view.openDuplicates > 0 ? <DuplicatesBanner count={view.openDuplicates} /> : null}
      <ProfileFacts view={view} now={props.now} />
      <Stack direction="inline" gap="200">
        <Button title="Marketing consent" onPress={props.onOpenConsent} />
        <Button title="Upsell hints" onPress={props.onOpenUpsell} />
      </Stack>
    </ScrollView>
  );
}

function DuplicatesBanner(props: { count: number }) {
  const title =
    props.count === 1
      ? "1 possible duplicate profile: check before capturing consent; merge it in the admin's duplicates queue."
      : `${props.count} possible duplicate profiles: check before capturing consent; merge them in the admin's duplicates queue.`;
  return <Banner title={title} variant="alert" visible hideAction />;
}

export function ProfileFacts(props: { view: PosCustomerView; now: Date }) {
  const { view } = props;
  const money = (amount: number) => formatMoney(amount, view.currency);
  return (
    <>
      <Section title={customerName(view)}>
        <Stack direction="block" gap="100" padding="200">
          <Text>{`Lifecycle stage: ${LIFECYCLE_LABELS[view.lifecycleStage]}`}</Text>
          <Text>{`Tier: ${view.loyalty.tier}`}</Text>
          <Text>{`Points: ${view.loyalty.points} · ${nextTierLine(view.loyalty)} (${progressPercent(view.loyalty)}%)`}</Text>
        </Stack>
      </Section>
      <Section title="Purchases">
        <Stack direction="block" gap="100" padding="200">
          <Text>{`Orders: ${view.orderCount}`}</Text>
          <Text>{`Lifetime spend: ${money(view.lifetimeSpend)}`}</Text>
          <Text>{`POS spend: ${money(view.posSpend)}`}</Text>
          <Text>{`Churn risk: ${view.churnBand ? CHURN_LABELS[view.churnBand] : "Not enough history"}`}</Text>
          <Text>{`Last visit: ${lastVisitLabel(view.lastVisitAt, props.now)}`}</Text>
        </Stack>
      </Section>
    </>
  );
}
