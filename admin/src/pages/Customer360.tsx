import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  DataTable,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  ProgressBar,
  Text,
} from "@shopify/polaris";
import { channelLabel, loyaltyLine, rfmMeaning } from "@c360/shared/labels";
import { useMutation, useQuery } from "@tanstack/react-query";
import { explainProfile, getProfile, listMerges, profileConsents, undoMerge, type CustomerProfile } from "../api";
import { MonthlyChart } from "../charts";
import { keys, useInvalidate } from "../queries";
import { EmptyState, ErrorBanner, Loading, Notice, Section, navigate } from "../ui";
import {
  churnBandLabel,
  formatDate,
  formatMoney,
  fullName,
  humanize,
  monthLabel,
  monthSeries,
  percent,
  stageLabel,
  stageTone,
} from "../view-model";

function Fact({ label, value, testId }: { label: string; value: string | number; testId?: string }) {
  return (
    <BlockStack gap="050">
      <Text as="span" tone="subdued" variant="bodySm">
        {label}
      </Text>
      <Text as="span" variant="headingMd">
        <span data-testid={testId}>{value}</span>
      </Text>
    </BlockStack>
  );
}

function Overview({ p }: { p: CustomerProfile }) {
  const money = (n: number) => formatMoney(n, p.currency);
  const a = p.aggregates;
  return (
    <Section title="What they bought" gap="300">
      <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
        <Fact label="Orders" value={a.orderCount} testId="order-count" />
        <Fact label="Lifetime spend (after refunds)" value={money(a.lifetimeSpend)} testId="lifetime-spend" />
        <Fact label="Refunded" value={money(a.refunded)} testId="refunded" />
        <Fact label="Average order" value={money(a.averageOrderValue)} />
        <Fact label="In store" value={money(a.posSpend)} />
        <Fact label="Online" value={money(a.onlineSpend)} />
        <Fact label="First order" value={formatDate(a.firstOrderAt)} />
        <Fact label="Last order" value={formatDate(a.lastOrderAt)} />
      </InlineGrid>
      {p.spendOverTime.length > 0 ? (
        <MonthlyChart
          testId="customer-spend-over-time"
          formatMoney={money}
          months={monthSeries(p.spendOverTime, p.asOf, { orders: 0, spend: 0, refunds: 0 }).map((m) => ({
            ...m,
            label: monthLabel(m.month),
          }))}
        />
      ) : null}
    </Section>
  );
}

function Enrichment({ p }: { p: CustomerProfile }) {
  return (
    <Section title="Enrichment" gap="300">
      <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
        <Fact label="Churn risk" value={`${percent(p.churnRisk)} · ${churnBandLabel(p.churnBand)}`} />
        <Fact label="Predicted 90-day spend" value={formatMoney(p.ltv.predicted90d, p.currency)} />
        <Fact label="Next order expected" value={formatDate(p.nextOrderAt)} />
        <Fact label="Engagement" value={percent(p.engagementScore)} />
        <Fact label="First seen" value={formatDate(p.firstSeenAt)} testId="first-seen" />
        <Fact label="Last activity" value={formatDate(p.lastActivityAt)} />
        <Fact label="Visits" value={p.aggregates.visitCount} />
        <Fact label="Postcode" value={p.postcode ?? "—"} />
      </InlineGrid>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm">
          {`RFM ${p.rfm ? `${p.rfm.r}-${p.rfm.f ?? "?"}-${p.rfm.m ?? "?"}` : "not scored yet"}`}
        </Text>
        {p.rfm ? (
          <div data-testid="rfm-meaning">
            {rfmMeaning(p.rfm).map((line) => (
              <Text as="p" key={line.label}>
                <b>
                  {line.label} {line.score}
                </b>
                : {line.meaning}
              </Text>
            ))}
          </div>
        ) : (
          <Text as="p" tone="subdued">
            Scores come with the first order and the shop's next recompute.
          </Text>
        )}
      </BlockStack>
    </Section>
  );
}

function Loyalty({ p }: { p: CustomerProfile }) {
  const l = p.loyalty;
  return (
    <Section title="Loyalty">
      <Text as="p">
        <span data-testid="loyalty">{loyaltyLine(l.points, l.tier, l)}</span>
      </Text>
      <ProgressBar progress={Math.round(l.progress * 100)} size="small" />
    </Section>
  );
}

function WhyOnePerson({ profileId }: { profileId: string }) {
  const explain = useQuery({ queryKey: keys.explain(profileId), queryFn: () => explainProfile(profileId) });
  return (
    <Section title="Why this is one person">
      <ErrorBanner error={explain.error} title="Could not load the explanation" />
      <Loading loading={explain.isPending}>
        <div data-testid="explanation">
          <BlockStack gap="100">
            {(explain.data?.explanation ?? []).map((s, i) => (
              <Text as="p" key={i}>
                {s}
              </Text>
            ))}
          </BlockStack>
        </div>
      </Loading>
    </Section>
  );
}

function Consents({ profileId, fallback }: { profileId: string; fallback: CustomerProfile["consent"] }) {
  const consents = useQuery({ queryKey: keys.consents(profileId), queryFn: () => profileConsents(profileId) });
  const current = consents.data?.current ?? fallback;
  const history = consents.data?.history ?? [];
  return (
    <Section title="Consent">
      <InlineStack gap="200">
        {Object.entries(current).map(([channel, c]) => (
          <Badge
            key={channel}
            tone={c.granted ? "success" : undefined}
          >{`${channelLabel(channel)}: ${c.granted ? "granted" : "not granted"}`}</Badge>
        ))}
      </InlineStack>
      {consents.error ? (
        <Text as="p" tone="subdued">
          History unavailable: {consents.error.message}
        </Text>
      ) : history.length === 0 && !consents.isPending ? (
        <EmptyState title="No consent recorded yet">
          Staff capture it at the register or on a store tablet, with the exact text shown.
        </EmptyState>
      ) : (
        <DataTable
          columnContentTypes={["text", "text", "text", "text", "text"]}
          headings={["When", "Channel", "Action", "Source", "Text shown"]}
          rows={history.map((h) => [
            formatDate(h.actedAt ?? null, "UTC", true),
            channelLabel(h.channel),
            h.action,
            String(h.source ?? "—"),
            String(h.text ?? h.textVersion ?? "—"),
          ])}
        />
      )}
    </Section>
  );
}

function Merges({ profileId }: { profileId: string }) {
  const invalidate = useInvalidate();
  const merges = useQuery({ queryKey: keys.merges(profileId), queryFn: () => listMerges(profileId) });
  const undo = useMutation({
    mutationFn: undoMerge,
    // Undo brings the merged-away profile back and changes this one: every profile read, both merge
    // lists, the duplicates queue, the customer list and the dashboard are stale now.
    onSuccess: () => invalidate(keys.profilesAll, keys.mergesAll, keys.customersAll, keys.duplicates, keys.dashboard),
  });
  const rows = merges.data?.merges ?? [];
  return (
    <Section title="Merge history">
      <ErrorBanner error={merges.error ?? undo.error} />
      <Notice text={undo.isSuccess ? "Merge undone: both profiles are back as they were." : null} />
      {rows.length === 0 && !merges.isPending ? (
        <Text as="p" tone="subdued">
          No merges.
        </Text>
      ) : null}
      {rows.map((m) => (
        <InlineStack key={m.id} align="space-between" blockAlign="center">
          <Text as="p">
            {formatDate(m.createdAt, "UTC", true)}: {m.reason} {m.undoneAt ? "(undone)" : ""}
          </Text>
          {m.undoable ? (
            <Button loading={undo.isPending} onClick={() => undo.mutate(m.id)}>
              Undo merge
            </Button>
          ) : null}
        </InlineStack>
      ))}
    </Section>
  );
}

const money = (p: CustomerProfile, n: number | undefined) => (n === undefined ? "" : formatMoney(n, p.currency));

function Timeline({ p }: { p: CustomerProfile }) {
  return (
    <Section title="Timeline">
      {p.timeline.length === 0 ? (
        <EmptyState title="Nothing has happened yet">
          Orders, refunds, visits, consent and messages appear here as they arrive.
        </EmptyState>
      ) : (
        <div data-testid="timeline">
          <DataTable
            columnContentTypes={["text", "text", "numeric", "text"]}
            headings={["When", "What", "Amount", "Detail"]}
            rows={p.timeline.map((t) => [
              formatDate(t.at, "UTC", true),
              <span data-kind={t.kind}>{humanize(t.kind)}</span>,
              money(p, t.amount),
              t.products?.length ? `${t.products.join(", ")} · ${t.summary}` : t.summary,
            ])}
          />
        </div>
      )}
    </Section>
  );
}

/** The whole customer on one page: who, what they bought, loyalty, consent, why one person, merges. */
export function Customer360Page({ profileId }: { profileId: string }) {
  const loaded = useQuery({ queryKey: keys.profile(profileId), queryFn: () => getProfile(profileId) });
  const p = loaded.data?.profile;
  const mergedInto = loaded.data?.mergedInto;
  const erased = p?.status === "erased";
  return (
    <Page
      title={p ? (erased ? "Erased customer" : fullName(p)) : "Customer"}
      titleMetadata={
        p ? (
          erased ? (
            <span data-testid="erased-badge">
              <Badge tone="critical">Erased</Badge>
            </span>
          ) : (
            <Badge tone={stageTone(p.lifecycleStage)}>{stageLabel(p.lifecycleStage)}</Badge>
          )
        ) : undefined
      }
      backAction={{ content: "Customers", url: "/admin/customers" }}
      secondaryActions={
        p && !erased ? [{ content: "GDPR", onAction: () => navigate({ page: "gdpr", profileId: p.profileId }) }] : []
      }
    >
      <BlockStack gap="400">
        <ErrorBanner error={loaded.error} title="Could not load this customer" />
        {mergedInto ? (
          <Banner tone="info">This profile was merged; showing the profile it was merged into ({mergedInto}).</Banner>
        ) : null}
        {erased ? (
          <Banner tone="warning" title="This customer was erased">
            Their identifying data, consents and messages are gone; an anonymous row keeps the shop's totals. Nothing
            here can be exported or erased again.
          </Banner>
        ) : null}
        <Loading loading={loaded.isPending} />
        {p ? (
          <Layout>
            <Layout.Section>
              <BlockStack gap="400">
                <Overview p={p} />
                <Enrichment p={p} />
                {erased ? null : <WhyOnePerson profileId={p.profileId} />}
                {erased ? null : <Consents profileId={p.profileId} fallback={p.consent} />}
                <Timeline p={p} />
              </BlockStack>
            </Layout.Section>
            <Layout.Section variant="oneThird">
              <BlockStack gap="400">
                <Section title="Identifiers">
                  <div data-testid="identifiers">
                    <BlockStack gap="100">
                      {p.identifiers.length === 0 ? (
                        <Text as="p" tone="subdued">
                          None on file.
                        </Text>
                      ) : null}
                      {p.identifiers.map((i) => (
                        <Box key={`${i.kind}:${i.value}`}>
                          <Text as="p">
                            <Badge>{humanize(i.kind)}</Badge> {i.value}
                          </Text>
                          <Text as="p" tone="subdued" variant="bodySm">
                            from {i.source}, {formatDate(i.linkedAt)}
                          </Text>
                        </Box>
                      ))}
                    </BlockStack>
                  </div>
                  {p.openDuplicates > 0 ? (
                    <Button variant="plain" url="/admin/duplicates">
                      {`${p.openDuplicates} possible duplicate${p.openDuplicates === 1 ? "" : "s"} to review`}
                    </Button>
                  ) : null}
                </Section>
                <Loyalty p={p} />
                {erased ? null : <Merges profileId={p.profileId} />}
              </BlockStack>
            </Layout.Section>
          </Layout>
        ) : null}
      </BlockStack>
    </Page>
  );
}
