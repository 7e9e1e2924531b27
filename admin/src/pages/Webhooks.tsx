import { BlockStack, Button, Card, DataTable, Page, Text } from "@shopify/polaris";
import { deadLetters, retryDeadLetter, shopifyStatus, syncFromShopify, webhookHealth } from "../api";
import { BarChart, ErrorBanner, Loading, Notice, useAction, useLoad } from "../ui";
import { formatDate, humanize } from "../view-model";

/** Delivery health by status, and the dead letters that exhausted their retries, each re-runnable. */
export function WebhooksPage() {
  const health = useLoad(() => webhookHealth(), []);
  const dead = useLoad(() => deadLetters(), []);
  const shopify = useLoad(() => shopifyStatus(), []);
  const action = useAction();
  const backfill = shopify.data?.backfill;
  return (
    <Page title="Webhooks" subtitle="Shopify deliveries and what failed">
      <BlockStack gap="400">
        <ErrorBanner error={health.error ?? dead.error ?? shopify.error ?? action.error} />
        <Notice text={action.notice} />
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              Shopify
            </Text>
            <Text as="p">{shopify.data?.connected ? `Connected (${shopify.data.scope ?? "no scopes"}).` : "Not connected to the Admin API yet."}</Text>
            {backfill ? (
              <Text as="p" tone={backfill.status === "failed" ? "critical" : undefined}>
                {`Sync from Shopify: ${humanize(backfill.status)}, ${backfill.customers} customers and ${backfill.orders} orders`}
                {backfill.linesTotal != null ? `, ${backfill.linesRead} of ${backfill.linesTotal} records read` : ""}
                {`, ${backfill.elapsedSeconds} s`}
                {backfill.error ? ` (${backfill.error})` : ""}
              </Text>
            ) : null}
            <Button onClick={() => action.run(() => syncFromShopify(), () => (shopify.reload(), "Sync from Shopify started."))}>
              {backfill?.status === "failed" ? "Retry sync from Shopify" : "Sync from Shopify"}
            </Button>
            {(shopify.data?.pendingJobs.length ?? 0) + (shopify.data?.failedJobs.length ?? 0) > 0 ? (
              <DataTable
                columnContentTypes={["text", "text", "numeric", "text"]}
                headings={["Admin API job", "State", "Attempts", "Last error"]}
                rows={[
                  ...(shopify.data?.pendingJobs ?? []).map((j) => [humanize(j.kind), "retrying", j.attempts, j.lastError ?? ""]),
                  ...(shopify.data?.failedJobs ?? []).map((j) => [humanize(j.kind), "failed (retry below)", j.attempts, j.lastError ?? ""]),
                ]}
              />
            ) : null}
          </BlockStack>
        </Card>
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              Deliveries by status
            </Text>
            <Loading loading={health.loading}>
              {health.data && Object.keys(health.data).length === 0 ? <Text as="p" tone="subdued">No deliveries yet.</Text> : null}
              <BarChart testId="webhook-health" entries={Object.entries(health.data ?? {}).map(([k, v]) => ({ key: k, label: humanize(k), value: v }))} />
            </Loading>
          </BlockStack>
        </Card>
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              Dead letters
            </Text>
            <DataTable
              columnContentTypes={["text", "text", "numeric", "text", "text"]}
              headings={["Failed", "Topic", "Attempts", "Last error", ""]}
              rows={(dead.data?.deadLetters ?? []).map((d) => [
                formatDate(d.failedAt, "UTC", true),
                d.topic ?? d.kind,
                d.attempts,
                d.lastError,
                <Button size="slim" onClick={() => action.run(() => retryDeadLetter(d.id), () => (dead.reload(), health.reload(), "Queued again."))}>
                  Retry
                </Button>,
              ])}
            />
          </BlockStack>
        </Card>
      </BlockStack>
    </Page>
  );
}
