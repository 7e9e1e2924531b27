import { BlockStack, Card, InlineGrid, Page, Text } from "@shopify/polaris";
import type { ReactNode } from "react";
import { getDashboard } from "../api";
import { channelMixEntries, coverageEntries, fatigueEntries, fatigueSummary } from "../dashboard-view";
import { LifecycleChart } from "../stage-distribution";
import { BarChart, ErrorBanner, Loading, useLoad } from "../ui";
import { formatDate } from "../view-model";

function ChartCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          {title}
        </Text>
        {children}
      </BlockStack>
    </Card>
  );
}

/** The shop at a glance, from one `GET /api/dashboard`: lifecycle, fatigue posture, coverage, in store vs online. */
export function DashboardPage() {
  const dashboard = useLoad(() => getDashboard(), []);
  const d = dashboard.data;
  return (
    <Page title="Customer 360" subtitle={d ? `${d.profiles} customers, online and in store · as of ${formatDate(d.asOf, "UTC", true)}` : "Your customers, online and in store"}>
      <BlockStack gap="400">
        <ErrorBanner error={dashboard.error} title="The dashboard could not be loaded" />
        <Loading loading={dashboard.loading && !d}>
          {d ? (
            <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
              <ChartCard title="Lifecycle">
                <LifecycleChart lifecycle={d.lifecycle} />
              </ChartCard>
              <ChartCard title="In store vs online">
                <BarChart testId="channel-mix" entries={channelMixEntries(d)} />
              </ChartCard>
              <ChartCard title="Fatigue posture">
                <Text as="p" tone={d.fatigue.shareAtOrAboveThreshold > 0 ? "critical" : "subdued"}>
                  <span data-testid="fatigue-share" data-share={d.fatigue.shareAtOrAboveThreshold}>
                    {fatigueSummary(d)}
                  </span>
                </Text>
                <BarChart testId="fatigue" entries={fatigueEntries(d)} />
              </ChartCard>
              <ChartCard title="Coverage (share of all customers)">
                <BarChart testId="coverage" entries={coverageEntries(d)} of={d.profiles} />
              </ChartCard>
            </InlineGrid>
          ) : null}
        </Loading>
      </BlockStack>
    </Page>
  );
}
