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

/**
 * Horizontal bars, then one compact link per bar to its customers; `of` makes shares of a whole
 * (coverage, where one customer counts in several bars) instead of shares of the sum.
 */
export function HBarChart({
  entries,
  testId,
  of,
  name = "Customers",
}: {
  entries: ChartEntry[];
  testId: string;
  of?: number;
  name?: string;
}) {
  const shaped = bars(entries, of);
  return (
    <div data-testid={testId}>
      <BlockStack gap="200">
        {/* polaris-viz draws each bar under its label: about 50 px a bar keeps the last one inside the card. */}
        <div style={{ height: entries.length * 50 + 10 }} aria-hidden>
          <SimpleBarChart
            type="default"
            showLegend={false}
            isAnimated={false}
            data={[{ name, data: entries.map((e) => ({ key: e.label, value: e.value })) }]}
          />
        </div>
        <InlineStack gap="300" wrap>
          {shaped.map((b, i) => {
            const url = entries[i]?.url;
            const text = `${b.label} ${b.value} (${b.share}%)`;
            return (
              <span key={b.key} data-bar={b.key} data-value={b.value}>
                {url ? (
                  <Link url={url} accessibilityLabel={`${b.label}: ${b.value} customers, show them`}>
                    {text}
                  </Link>
                ) : (
                  <Text as="span" tone="subdued">
                    {text}
                  </Text>
                )}
              </span>
            );
          })}
        </InlineStack>
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
        <div style={{ height: 200 }}>
          <BarChart
            isAnimated={false}
            showLegend={false}
            data={[{ name: "Orders", data: months.map((m) => ({ key: m.label, value: m.orders })) }]}
            xAxisOptions={{ labelFormatter: (v) => String(v ?? "").slice(0, 3) }}
          />
        </div>
      </BlockStack>
    </div>
  );
}
