import { Badge, BlockStack, Card, IndexTable, InlineStack, Link, Page, Pagination, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { searchProfiles } from "../api";
import { ErrorBanner, Loading, useLoad } from "../ui";
import { CHANNEL_MIXES, LIFECYCLE_STAGES, channelMixLabel, formatDate, formatMoney, fullName, pageInfo, stageLabel, stageTone } from "../view-model";

const PAGE_SIZE = 25;

/** Search customers by name, email or phone, filter by lifecycle stage and channel mix, page through. */
export function CustomersPage() {
  const [typed, setTyped] = useState("");
  const [query, setQuery] = useState("");
  const [stage, setStage] = useState("");
  const [channelMix, setChannelMix] = useState("");
  const [offset, setOffset] = useState(0);

  // Searching as the merchant types, a moment after they stop.
  useEffect(() => {
    const t = setTimeout(() => {
      setQuery(typed);
      setOffset(0);
    }, 300);
    return () => clearTimeout(t);
  }, [typed]);

  const result = useLoad(() => searchProfiles({ query, stage, channelMix, limit: PAGE_SIZE, offset }), [query, stage, channelMix, offset]);
  const paging = pageInfo(result.data?.total ?? 0, PAGE_SIZE, offset);
  const profiles = result.data?.profiles ?? [];

  return (
    <Page title="Customers" subtitle="Every customer, online and in store, as one profile">
      <BlockStack gap="400">
        <ErrorBanner error={result.error} />
        <Card>
          <InlineStack gap="300" wrap blockAlign="end">
            <div style={{ flex: "1 1 18rem" }}>
              <TextField label="Search" value={typed} onChange={setTyped} autoComplete="off" placeholder="Name, email or phone" clearButton onClearButtonClick={() => setTyped("")} />
            </div>
            <Select
              label="Lifecycle stage"
              options={[{ label: "Any stage", value: "" }, ...LIFECYCLE_STAGES.map((s) => ({ label: stageLabel(s), value: s }))]}
              value={stage}
              onChange={(v) => {
                setStage(v);
                setOffset(0);
              }}
            />
            <Select
              label="Channel mix"
              options={[{ label: "Any channel", value: "" }, ...CHANNEL_MIXES.map((m) => ({ label: channelMixLabel(m), value: m }))]}
              value={channelMix}
              onChange={(v) => {
                setChannelMix(v);
                setOffset(0);
              }}
            />
          </InlineStack>
        </Card>
        <Card padding="0">
          <IndexTable
            resourceName={{ singular: "customer", plural: "customers" }}
            itemCount={profiles.length}
            selectable={false}
            loading={result.loading}
            headings={[{ title: "Customer" }, { title: "Stage" }, { title: "Tier" }, { title: "Points", alignment: "end" }, { title: "Orders", alignment: "end" }, { title: "Lifetime spend", alignment: "end" }, { title: "Last activity" }]}
          >
            {profiles.map((p, i) => (
              <IndexTable.Row id={p.profileId} key={p.profileId} position={i}>
                <IndexTable.Cell>
                  <Link url={`/admin/customers/${encodeURIComponent(p.profileId)}`} removeUnderline dataPrimaryLink>
                    <span data-testid="customer-row">{fullName(p)}</span>
                  </Link>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Badge tone={stageTone(p.lifecycleStage)}>{stageLabel(p.lifecycleStage)}</Badge>
                </IndexTable.Cell>
                <IndexTable.Cell>{p.tier ?? "—"}</IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {p.points}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {p.orderCount}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {formatMoney(p.lifetimeSpend)}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>{formatDate(p.lastActivityAt)}</IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        </Card>
        <InlineStack align="space-between" blockAlign="center">
          <Loading loading={result.loading}>
            <Text as="span" tone="subdued">
              <span data-testid="paging-label">{paging.label}</span>
            </Text>
          </Loading>
          <Pagination hasPrevious={paging.hasPrevious} hasNext={paging.hasNext} onPrevious={() => setOffset(paging.previousOffset)} onNext={() => setOffset(paging.nextOffset)} />
        </InlineStack>
      </BlockStack>
    </Page>
  );
}
