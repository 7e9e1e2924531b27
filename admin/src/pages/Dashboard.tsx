import { BlockStack, Card, InlineGrid, Page, Text } from "@shopify/polaris";
import { countBy, getDashboard, getSettings, gdprInventory } from "../api";
import { StageDistribution } from "../stage-distribution";
import { BarChart, Loading, useLoad } from "../ui";
import { CHANNEL_MIXES, channelMixLabel, countRows, humanize } from "../view-model";

/**
 * The shop at a glance. Lifecycle and channel mix come from the search endpoint's totals; fatigue
 * posture and coverage come from `GET /api/dashboard` when the server has it, else what exists.
 */
export function DashboardPage() {
  const dashboard = useLoad(() => getDashboard(), []);
  const mix = useLoad(() => countBy("channelMix", CHANNEL_MIXES), []);
  const inventory = useLoad(() => gdprInventory().catch(() => null), []);
  const settings = useLoad(() => getSettings(), []);
  const fatigue = (dashboard.data?.fatigue ?? null) as Record<string, number> | null;
  const coverage = (dashboard.data?.coverage ?? inventory.data ?? null) as Record<string, unknown> | null;
  const s = settings.data?.settings;
  return (
    <Page title="Customer 360" subtitle="Your customers, online and in store">
      <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              Lifecycle
            </Text>
            <StageDistribution />
          </BlockStack>
        </Card>
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              In store vs online
            </Text>
            <Loading loading={mix.loading}>
              <BarChart testId="channel-mix" entries={CHANNEL_MIXES.map((m) => ({ key: m, label: channelMixLabel(m), value: mix.data?.[m] ?? 0 }))} />
            </Loading>
          </BlockStack>
        </Card>
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              Fatigue posture
            </Text>
            {fatigue ? (
              <BarChart entries={Object.entries(fatigue).map(([k, v]) => ({ key: k, label: humanize(k), value: Number(v) }))} />
            ) : (
              <Text as="p" tone="subdued">
                {s
                  ? `Messages are blocked at fatigue ${s.fatigueThreshold.toFixed(2)}, after ${s.caps.globalDaily} a day across channels, and in quiet hours ${s.quietHours.start}–${s.quietHours.end}.`
                  : "Loading the shop's rules…"}{" "}
                A per-customer fatigue distribution needs the dashboard endpoint.
              </Text>
            )}
          </BlockStack>
        </Card>
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              Coverage
            </Text>
            {coverage ? (
              <BlockStack gap="100">
                {countRows(coverage).map((r) => (
                  <Text as="p" key={r.label}>
                    {r.label}: <b>{r.value}</b>
                  </Text>
                ))}
              </BlockStack>
            ) : (
              <Text as="p" tone="subdued">
                Contactability coverage needs the dashboard or GDPR inventory endpoint.
              </Text>
            )}
          </BlockStack>
        </Card>
      </InlineGrid>
    </Page>
  );
}
