/**
 * Charts of the admin on Shopify's own chart library (@shopify/polaris-viz), so they look and read like
 * the rest of Shopify admin. Every bar also has a row below it (label, count, share) that links to the
 * matching customers: polaris-viz bars take no click handler, and the rows keep the figures readable
 * for screen readers and tests.
 */
import { BlockStack, InlineStack, Link, Text } from "@shopify/polaris";
import { BarChart, LineChart, SimpleBarChart } from "@shopify/polaris-viz";
import { bars } from "./view-model";

export interface ChartEntry {
  key: string;
  label: string;
  value: number;
  /** Where a click on this bar's row goes: the customer list narrowed to these customers. */
  url?: string;
}

/** Horizontal bars with a linked row per bar; `of` makes shares of a whole (coverage) instead of the sum. */
export function HBarChart({ entries, testId, of, name = "Customers" }: { entries: ChartEntry[]; testId: string; of?: number; name?: string }) {
  const shaped = bars(entries, of);
  return (
    <div data-testid={testId}>
      <BlockStack gap="200">
        <div style={{ height: Math.max(120, entries.length * 34) }} aria-hidden>
          <SimpleBarChart
            type="default"
            showLegend={false}
            isAnimated={false}
            data={[{ name, data: entries.map((e) => ({ key: e.label, value: e.value })) }]}
          />
        </div>
        <BlockStack gap="050">
          {shaped.map((b, i) => {
            const url = entries[i]?.url;
            const row = (
              <InlineStack align="space-between" blockAlign="center" gap="200">
                <Text as="span">{b.label}</Text>
                <Text as="span" numeric tone="subdued">
                  {b.value} ({b.share}%)
                </Text>
              </InlineStack>
            );
            return (
              <div key={b.key} data-bar={b.key} data-value={b.value}>
                {url ? (
                  <Link url={url} removeUnderline accessibilityLabel={`${b.label}: ${b.value} customers, show them`}>
                    {row}
                  </Link>
                ) : (
                  row
                )}
              </div>
            );
          })}
        </BlockStack>
      </BlockStack>
    </div>
  );
}

/** Money and orders per month as two lines (spend, refunds) and bars (orders), one point per month. */
export function MonthlyChart({
  months,
  testId,
  formatMoney,
}: {
  months: { month: string; label: string; orders: number; spend: number; refunds: number }[];
  testId: string;
  formatMoney: (n: number) => string;
}) {
  return (
    <div data-testid={testId} data-months={months.length}>
      <BlockStack gap="300">
        <div style={{ height: 240 }}>
          <LineChart
            isAnimated={false}
            data={[
              { name: "Spend", data: months.map((m) => ({ key: m.label, value: m.spend })) },
              { name: "Refunds", data: months.map((m) => ({ key: m.label, value: m.refunds })) },
            ]}
            yAxisOptions={{ labelFormatter: (v) => formatMoney(Number(v ?? 0)) }}
          />
        </div>
        <div style={{ height: 160 }}>
          <BarChart
            isAnimated={false}
            showLegend={false}
            data={[{ name: "Orders", data: months.map((m) => ({ key: m.label, value: m.orders })) }]}
          />
        </div>
      </BlockStack>
    </div>
  );
}
