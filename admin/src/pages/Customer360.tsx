import { Badge, Banner, BlockStack, Box, Button, Card, DataTable, InlineGrid, InlineStack, Layout, Page, ProgressBar, Text } from "@shopify/polaris";
import { explainProfile, getProfile, listMerges, profileConsents, undoMerge, type FullProfile } from "../api";
import { ErrorBanner, Loading, Notice, navigate, useAction, useLoad } from "../ui";
import { churnBandLabel, formatDate, formatMoney, fullName, humanize, percent, stageLabel, stageTone } from "../view-model";

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

function Overview({ p }: { p: FullProfile }) {
  const money = (n: number) => formatMoney(n, p.currency);
  const a = p.aggregates;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          What they bought
        </Text>
        <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
          <Fact label="Orders" value={a.orderCount} testId="order-count" />
          <Fact label="Lifetime spend" value={money(a.lifetimeSpend)} />
          <Fact label="Average order" value={money(a.averageOrderValue)} />
          <Fact label="Visits" value={a.visitCount} />
          <Fact label="In store" value={money(a.posSpend)} />
          <Fact label="Online" value={money(a.onlineSpend)} />
          <Fact label="First order" value={formatDate(a.firstOrderAt)} />
          <Fact label="Last order" value={formatDate(a.lastOrderAt)} />
        </InlineGrid>
      </BlockStack>
    </Card>
  );
}

function Enrichment({ p }: { p: FullProfile }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Enrichment
        </Text>
        <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
          <Fact label="RFM" value={p.rfm ? `${p.rfm.r}-${p.rfm.f ?? "?"}-${p.rfm.m ?? "?"}` : "—"} />
          <Fact label="Churn risk" value={`${percent(p.churnRisk)} · ${churnBandLabel(p.churnBand)}`} />
          <Fact label="Predicted 90-day spend" value={formatMoney(p.ltv.predicted90d, p.currency)} />
          <Fact label="Next order expected" value={formatDate(p.nextOrderAt)} />
          <Fact label="Engagement" value={percent(p.engagementScore)} />
          <Fact label="First seen" value={formatDate(p.firstSeenAt)} />
          <Fact label="Last activity" value={formatDate(p.lastActivityAt)} />
          <Fact label="Postcode" value={p.postcode ?? "—"} />
        </InlineGrid>
      </BlockStack>
    </Card>
  );
}

function Loyalty({ p }: { p: FullProfile }) {
  const l = p.loyalty;
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Loyalty
        </Text>
        <Text as="p">
          <span data-testid="loyalty">
            {l.points} points · {l.tier}
          </span>
        </Text>
        <ProgressBar progress={Math.round(l.progress * 100)} size="small" />
        <Text as="p" tone="subdued">
          {l.nextTier ? `${l.pointsToNextTier} points to ${l.nextTier}` : "Top tier"}
        </Text>
      </BlockStack>
    </Card>
  );
}

function WhyOnePerson({ profileId }: { profileId: string }) {
  const explain = useLoad(() => explainProfile(profileId), [profileId]);
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Why this is one person
        </Text>
        <ErrorBanner error={explain.error} title="Could not load the explanation" />
        <Loading loading={explain.loading}>
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
      </BlockStack>
    </Card>
  );
}

function Consents({ profileId, fallback }: { profileId: string; fallback: FullProfile["consent"] }) {
  const consents = useLoad(() => profileConsents(profileId), [profileId]);
  const current = consents.data?.current ?? fallback;
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Consent
        </Text>
        <InlineStack gap="200">
          {Object.entries(current).map(([channel, c]) => (
            <Badge key={channel} tone={c.granted ? "success" : undefined}>{`${humanize(channel)}: ${c.granted ? "granted" : "not granted"}`}</Badge>
          ))}
        </InlineStack>
        {consents.error ? (
          <Text as="p" tone="subdued">
            History unavailable: {consents.error}
          </Text>
        ) : (
          <DataTable
            columnContentTypes={["text", "text", "text", "text", "text"]}
            headings={["When", "Channel", "Action", "Source", "Text shown"]}
            rows={(consents.data?.history ?? []).map((h) => [
              formatDate(h.actedAt ?? null, "UTC", true),
              h.channel,
              h.action,
              String(h.source ?? "—"),
              String(h.text ?? h.textVersion ?? "—"),
            ])}
          />
        )}
      </BlockStack>
    </Card>
  );
}

function Merges({ profileId, onUndone }: { profileId: string; onUndone: () => void }) {
  const merges = useLoad(() => listMerges(profileId), [profileId]);
  const action = useAction();
  const rows = merges.data?.merges ?? [];
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Merge history
        </Text>
        <ErrorBanner error={merges.error ?? action.error} />
        <Notice text={action.notice} />
        {rows.length === 0 && !merges.loading ? <Text as="p" tone="subdued">No merges.</Text> : null}
        {rows.map((m) => (
          <InlineStack key={m.id} align="space-between" blockAlign="center">
            <Text as="p">
              {formatDate(m.createdAt, "UTC", true)}: {m.reason} {m.undoneAt ? "(undone)" : ""}
            </Text>
            {m.undoable ? (
              <Button
                loading={action.pending}
                onClick={() =>
                  action.run(() => undoMerge(m.id), () => {
                    merges.reload();
                    onUndone();
                    return "Merge undone: both profiles are back as they were.";
                  })
                }
              >
                Undo merge
              </Button>
            ) : null}
          </InlineStack>
        ))}
      </BlockStack>
    </Card>
  );
}

/** The whole customer on one page: who, what they bought, loyalty, consent, why one person, merges. */
export function Customer360Page({ profileId }: { profileId: string }) {
  const loaded = useLoad(() => getProfile(profileId), [profileId]);
  const p = loaded.data?.profile;
  const mergedInto = loaded.data?.mergedInto;
  return (
    <Page
      title={p ? fullName(p) : "Customer"}
      titleMetadata={p ? <Badge tone={stageTone(p.lifecycleStage)}>{stageLabel(p.lifecycleStage)}</Badge> : undefined}
      backAction={{ content: "Customers", url: "/admin/customers" }}
      secondaryActions={p ? [{ content: "GDPR", onAction: () => navigate({ page: "gdpr", profileId: p.profileId }) }] : []}
    >
      <BlockStack gap="400">
        <ErrorBanner error={loaded.error} title="Could not load this customer" />
        {mergedInto ? (
          <Banner tone="info">
            This profile was merged; showing the profile it was merged into ({mergedInto}).
          </Banner>
        ) : null}
        <Loading loading={loaded.loading && !p} />
        {p ? (
          <Layout>
            <Layout.Section>
              <BlockStack gap="400">
                <Overview p={p} />
                <Enrichment p={p} />
                <WhyOnePerson profileId={p.profileId} />
                <Consents profileId={p.profileId} fallback={p.consent} />
                <Card>
                  <BlockStack gap="200">
                    <Text as="h2" variant="headingMd">
                      Timeline
                    </Text>
                    <DataTable
                      columnContentTypes={["text", "text", "text"]}
                      headings={["When", "What", "Detail"]}
                      rows={p.timeline.map((t) => [formatDate(t.at, "UTC", true), humanize(t.kind), t.summary])}
                    />
                  </BlockStack>
                </Card>
              </BlockStack>
            </Layout.Section>
            <Layout.Section variant="oneThird">
              <BlockStack gap="400">
                <Card>
                  <BlockStack gap="200">
                    <Text as="h2" variant="headingMd">
                      Identifiers
                    </Text>
                    <div data-testid="identifiers">
                      <BlockStack gap="100">
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
                  </BlockStack>
                </Card>
                <Loyalty p={p} />
                <Merges profileId={p.profileId} onUndone={loaded.reload} />
              </BlockStack>
            </Layout.Section>
          </Layout>
        ) : null}
      </BlockStack>
    </Page>
  );
}
