import { BlockStack, Button, DataTable, Page, Text } from "@shopify/polaris";
import { useMutation, useQuery } from "@tanstack/react-query";
import { deadLetters, retryDeadLetter, shopifyStatus, syncFromShopify, webhookHealth } from "../api";
import { HBarChart } from "../charts";
import { keys, useInvalidate } from "../queries";
import { EmptyState, ErrorBanner, Loading, Notice, Section } from "../ui";
import { formatDate, humanize } from "../view-model";

/** Delivery health by status, and the dead letters that exhausted their retries, each re-runnable. */
export function WebhooksPage() {
  const invalidate = useInvalidate();
  const health = useQuery({ queryKey: keys.webhookHealth, queryFn: webhookHealth });
  const dead = useQuery({ queryKey: keys.deadLetters, queryFn: deadLetters });
  const shopify = useQuery({ queryKey: keys.shopify, queryFn: shopifyStatus });
  const action = useMutation({
    mutationFn: (act: () => Promise<string>) => act(),
    onSuccess: () => invalidate(keys.webhookHealth, keys.deadLetters, keys.shopify),
  });
  const backfill = shopify.data?.backfill;
  return (
    <Page title="Webhooks" subtitle="Shopify deliveries and what failed">
      <BlockStack gap="400">
        <ErrorBanner error={health.error ?? dead.error ?? shopify.error ?? action.error} />
        <Notice text={action.data ?? null} />
        <Section title="Shopify">
          <Text as="p">
            {shopify.data?.connected
              ? `Connected (${shopify.data.scope ?? "no scopes"}).`
              : "Not connected to the Admin API yet."}
          </Text>
          {backfill ? (
            <Text as="p" tone={backfill.status === "failed" ? "critical" : undefined}>
              {`Sync from Shopify: ${humanize(backfill.status)}, `}
              {`${backfill.customers} customers and ${backfill.orders} orders`}
              {backfill.linesTotal != null ? `, ${backfill.linesRead} of ${backfill.linesTotal} records read` : ""}
              {backfill.linesSkipped > 0 ? `, ${backfill.linesSkipped} unreadable skipped` : ""}
              {`, ${backfill.elapsedSeconds} s`}
              {backfill.error ? ` (${backfill.error})` : ""}
            </Text>
          ) : null}
          <Button onClick={() => action.mutate(async () => (await syncFromShopify(), "Sync from Shopify started."))}>
            {backfill?.status === "failed" ? "Retry sync from Shopify" : "Sync from Shopify"}
          </Button>
          {(shopify.data?.pendingJobs.length ?? 0) + (shopify.data?.failedJobs.length ?? 0) > 0 ? (
            <DataTable
              columnContentTypes={["text", "text", "numeric", "text"]}
              headings={["Admin API job", "State", "Attempts", "Last error"]}
              rows={[
                ...(shopify.data?.pendingJobs ?? []).map((j) => [
                  humanize(j.kind),
                  "retrying",
                  j.attempts,
                  j.lastError ?? "",
                ]),
                ...(shopify.data?.failedJobs ?? []).map((j) => [
                  humanize(j.kind),
                  "failed (retry below)",
                  j.attempts,
                  j.lastError ?? "",
                ]),
              ]}
            />
          ) : null}
        </Section>
        <Section title="Deliveries by status">
          <Loading loading={health.isPending}>
            {health.data && Object.keys(health.data).length === 0 ? (
              <EmptyState title="No deliveries yet">
                Shopify sends webhooks as customers and orders change; they are counted here by status.
              </EmptyState>
            ) : (
              <HBarChart
                testId="webhook-health"
                name="Deliveries"
                entries={Object.entries(health.data ?? {}).map(([k, v]) => ({
                  key: k,
                  label: humanize(k),
                  value: v,
                }))}
              />
            )}
          </Loading>
        </Section>
        <Section title="Dead letters">
          {dead.data && dead.data.deadLetters.length === 0 ? (
            <EmptyState title="No dead letters">
              Every delivery was processed; one that fails all its retries waits here to be re-run.
            </EmptyState>
          ) : (
            <DataTable
              columnContentTypes={["text", "text", "numeric", "text", "text"]}
              headings={["Failed", "Topic", "Attempts", "Last error", ""]}
              rows={(dead.data?.deadLetters ?? []).map((d) => [
                formatDate(d.failedAt, "UTC", true),
                d.topic ?? d.kind,
                d.attempts,
                d.lastError,
                <Button
                  size="slim"
                  onClick={() => action.mutate(async () => (await retryDeadLetter(d.id), "Queued again."))}
                >
                  Retry
                </Button>,
              ])}
            />
          )}
        </Section>
      </BlockStack>
    </Page>
  );
}
