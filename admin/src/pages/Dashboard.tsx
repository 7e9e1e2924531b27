import { Banner, BlockStack, InlineGrid, Link, Page, ProgressBar, Text } from "@shopify/polaris";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { getDashboard, recomputeProgress, requestRecompute, type RecomputeStatus } from "../api";
import { HBarChart, MonthlyChart } from "../charts";
import {
  channelMixEntries,
  coverageEntries,
  fatigueEntries,
  fatigueSummary,
  monthlyEntries,
  rfmGrid,
  type ShopDashboard,
} from "../dashboard-view";
import { keys, useInvalidate } from "../queries";
import { LifecycleChart } from "../stage-distribution";
import { EmptyState, ErrorBanner, Loading, Section } from "../ui";
import { formatDate, formatMoney } from "../view-model";

const PROGRESS: Record<RecomputeStatus["status"], number> = {
  queued: 10,
  running: 60,
  retrying: 40,
  done: 100,
  failed: 100,
};

function recomputeText(s: RecomputeStatus): string {
  switch (s.status) {
    case "queued":
      return "Recompute queued: it starts as soon as a worker is free.";
    case "running":
      return "Recomputing every customer's stage, RFM scores and churn risk…";
    case "retrying":
      return `The recompute failed (${s.lastError ?? "unknown error"}) and will try again (attempt ${s.attempts}).`;
    case "failed":
      return `The recompute failed: ${s.error}`;
    case "done":
      return (
        `Recomputed ${s.profiles} customers: ${s.changed} changed stage, ` +
        `${s.newCandidates} new possible duplicates.`
      );
  }
}

/** "Recompute now": asks the queue for a whole-shop pass, polls it until done, then refreshes what it changed. */
function useRecompute() {
  const invalidate = useInvalidate();
  const [jobId, setJobId] = useState<string | null>(null);
  const start = useMutation({ mutationFn: requestRecompute, onSuccess: (s) => setJobId(s.jobId) });
  const progress = useQuery({
    queryKey: keys.recompute(jobId ?? ""),
    queryFn: () => recomputeProgress(jobId!),
    enabled: jobId !== null,
    refetchInterval: (q) => (q.state.data?.status === "done" || q.state.data?.status === "failed" ? false : 1000),
  });
  const status = progress.data ?? start.data ?? null;
  useEffect(() => {
    if (status?.status !== "done") return;
    void invalidate(keys.dashboard, keys.customersAll, keys.profilesAll);
  }, [status?.status, invalidate]);
  const busy = start.isPending || (status !== null && status.status !== "done" && status.status !== "failed");
  return { status, busy, error: start.error ?? progress.error, run: () => start.mutate() };
}

function RfmGrid({ d }: { d: ShopDashboard }) {
  const rows = rfmGrid(d);
  const cell = { padding: 6, textAlign: "center" as const, minWidth: 44 };
  if (d.rfmGrid.length === 0) {
    return (
      <EmptyState title="No RFM scores yet">
        Scores come from orders: run "Recompute now" once orders have arrived.
      </EmptyState>
    );
  }
  return (
    <div data-testid="rfm-grid">
      <table style={{ borderCollapse: "separate", borderSpacing: 3 }}>
        <caption style={{ captionSide: "bottom", paddingTop: 8, textAlign: "left" }}>
          <Text as="span" tone="subdued" variant="bodySm">
            Rows: recency (5 = ordered within 30 days). Columns: frequency (5 = the shop's top 20% by order count).
            Click a cell for its customers.
          </Text>
        </caption>
        <thead>
          <tr>
            <th />
            {[1, 2, 3, 4, 5].map((f) => (
              <th key={f} scope="col" style={cell}>
                F{f}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row[0]!.r}>
              <th scope="row" style={cell}>
                R{row[0]!.r}
              </th>
              {row.map((c) => (
                <td
                  key={c.f}
                  data-r={c.r}
                  data-f={c.f}
                  data-count={c.count}
                  style={{
                    ...cell,
                    borderRadius: 4,
                    background: `rgba(92, 106, 196, ${0.08 + c.weight * 0.8})`,
                    color: c.weight > 0.5 ? "#fff" : undefined,
                  }}
                >
                  {c.count > 0 ? (
                    <Link
                      url={c.url}
                      removeUnderline
                      monochrome
                      accessibilityLabel={`Recency ${c.r}, frequency ${c.f}: ${c.count} customers`}
                    >
                      {c.count}
                    </Link>
                  ) : (
                    "0"
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The shop at a glance, from one `GET /api/dashboard`; every bar opens the matching customers. */
export function DashboardPage() {
  const dashboard = useQuery({ queryKey: keys.dashboard, queryFn: getDashboard });
  const recompute = useRecompute();
  const d = dashboard.data;
  const money = (n: number) => formatMoney(n, d?.currency ?? "USD");
  return (
    <Page
      title="Customer 360"
      subtitle={
        d
          ? `${d.profiles} customers, online and in store · as of ${formatDate(d.asOf, "UTC", true)}`
          : "Your customers, online and in store"
      }
      primaryAction={{
        content: "Recompute now",
        onAction: recompute.run,
        loading: recompute.busy,
        disabled: recompute.busy,
      }}
    >
      <BlockStack gap="400">
        <ErrorBanner error={dashboard.error} title="The dashboard could not be loaded" />
        <ErrorBanner error={recompute.error} title="The recompute could not be started" />
        {recompute.status ? (
          <Banner
            tone={
              recompute.status.status === "failed"
                ? "critical"
                : recompute.status.status === "done"
                  ? "success"
                  : "info"
            }
          >
            <BlockStack gap="200">
              <p data-testid="recompute-status" data-status={recompute.status.status}>
                {recomputeText(recompute.status)}
              </p>
              <ProgressBar
                progress={PROGRESS[recompute.status.status]}
                size="small"
                tone={recompute.status.status === "failed" ? "critical" : "primary"}
              />
            </BlockStack>
          </Banner>
        ) : null}
        <Loading loading={dashboard.isPending}>
          {d ? (
            <BlockStack gap="400">
              <Section title="Spend and orders by month">
                {d.spendOverTime.length === 0 ? (
                  <EmptyState title="No orders in the last 12 months">
                    Orders arrive from Shopify as they are placed; "Sync from Shopify" on the Webhooks page brings in
                    history.
                  </EmptyState>
                ) : (
                  <MonthlyChart testId="spend-over-time" months={monthlyEntries(d)} formatMoney={money} />
                )}
              </Section>
              <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
                <Section title="Lifecycle">
                  <LifecycleChart lifecycle={d.lifecycle} />
                </Section>
                <Section title="In store vs online">
                  <HBarChart testId="channel-mix" entries={channelMixEntries(d)} />
                </Section>
                <Section title="RFM: recency by frequency">
                  <RfmGrid d={d} />
                </Section>
                <Section title="Fatigue posture">
                  <Text as="p" tone={d.fatigue.shareAtOrAboveThreshold > 0 ? "critical" : "subdued"}>
                    <span data-testid="fatigue-share" data-share={d.fatigue.shareAtOrAboveThreshold}>
                      {fatigueSummary(d)}
                    </span>
                  </Text>
                  <HBarChart testId="fatigue" entries={fatigueEntries(d)} />
                </Section>
                <Section title="Coverage (share of all customers)">
                  <HBarChart testId="coverage" entries={coverageEntries(d)} of={d.profiles} />
                </Section>
              </InlineGrid>
            </BlockStack>
          ) : null}
        </Loading>
      </BlockStack>
    </Page>
  );
}
