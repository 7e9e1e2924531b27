import {
  Badge,
  BlockStack,
  Button,
  Card,
  IndexTable,
  InlineStack,
  Link,
  Page,
  Pagination,
  Select,
  Tag,
  Text,
  TextField,
} from "@shopify/polaris";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { searchProfiles } from "../api";
import { keys } from "../queries";
import { EmptyState, ErrorBanner, Loading } from "../ui";
import {
  DASHBOARD_CHANNEL_MIXES,
  LIFECYCLE_STAGES,
  channelMixLabel,
  describeFilters,
  filtersFromSearch,
  formatDate,
  formatMoney,
  fullName,
  pageInfo,
  searchParams,
  stageLabel,
  stageTone,
  type CustomerFilters,
} from "../view-model";

const PAGE_SIZE = 25;

/** A filter's options: "any" first, then each choice in the merchant's words. */
const anyFirst = <C extends string>(any: string, choices: readonly C[], labelOf: (choice: C) => string) => [
  { label: any, value: "" },
  ...choices.map((c) => ({ label: labelOf(c), value: c })),
];

/** The list's choice filters, by the URL parameter each sets. */
const CHOICE_FILTERS = [
  { key: "stage", label: "Lifecycle stage", options: anyFirst("Any stage", LIFECYCLE_STAGES, stageLabel) },
  {
    key: "channelMix",
    label: "Channel mix",
    options: anyFirst("Any channel", DASHBOARD_CHANNEL_MIXES, channelMixLabel),
  },
] as const;
type ChoiceFilters = Record<(typeof CHOICE_FILTERS)[number]["key"], string>;

/** Search customers by name, email or phone, filter by lifecycle stage and channel mix, page through. */
export function CustomersPage() {
  // The dashboard links here with its filter in the URL (`?stage=loyal`, `?rfmR=5&rfmF=1`).
  const [initial] = useState(() => filtersFromSearch(location.search));
  const [typed, setTyped] = useState(initial.query ?? "");
  const [query, setQuery] = useState(initial.query ?? "");
  const [choice, setChoice] = useState<ChoiceFilters>({
    stage: initial.stage ?? "",
    channelMix: initial.channelMix ?? "",
  });
  const { stage, channelMix } = choice;
  const [extra, setExtra] = useState<CustomerFilters>({
    rfmR: initial.rfmR,
    rfmF: initial.rfmF,
    has: initial.has,
    consent: initial.consent,
  });
  const [offset, setOffset] = useState(0);
  /** A changed filter shows its list from the first page. */
  const refilter =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      set(value);
      setOffset(0);
    };
  const filters: CustomerFilters = { query, stage, channelMix, ...extra };
  const extraWords = describeFilters(extra);

  // Searching as the merchant types, a moment after they stop.
  useEffect(() => {
    const t = setTimeout(() => {
      setQuery(typed);
      setOffset(0);
    }, 300);
    return () => clearTimeout(t);
  }, [typed]);

  // The URL keeps the filters, so a filtered list can be bookmarked and the back button returns to it.
  useEffect(() => {
    const next = `${location.pathname}${searchParams(filters)}`;
    if (next !== `${location.pathname}${location.search}`) history.replaceState(history.state, "", next);
  });

  const params = { ...filters, limit: PAGE_SIZE, offset };
  const result = useQuery({
    queryKey: keys.customers(params),
    queryFn: () => searchProfiles(params),
    placeholderData: keepPreviousData,
  });
  const paging = pageInfo(result.data?.total ?? 0, PAGE_SIZE, offset);
  const profiles = result.data?.profiles ?? [];
  const filtered = Boolean(query || stage || channelMix || extraWords.length);

  return (
    <Page title="Customers" subtitle="Every customer, online and in store, as one profile">
      <BlockStack gap="400">
        <ErrorBanner error={result.error} />
        <Card>
          <InlineStack gap="300" wrap blockAlign="end">
            <div style={{ flex: "1 1 18rem" }}>
              <TextField
                label="Search"
                value={typed}
                onChange={setTyped}
                autoComplete="off"
                placeholder="Name, email or phone"
                clearButton
                onClearButtonClick={() => setTyped("")}
              />
            </div>
            {CHOICE_FILTERS.map((f) => (
              <Select
                key={f.key}
                label={f.label}
                options={[...f.options]}
                value={choice[f.key]}
                onChange={(value) => refilter(setChoice)({ ...choice, [f.key]: value })}
              />
            ))}
          </InlineStack>
          {extraWords.length > 0 ? (
            <div style={{ paddingTop: 12 }}>
              <InlineStack gap="200" blockAlign="center">
                {extraWords.map((w) => (
                  <Tag key={w}>{w}</Tag>
                ))}
                <Button variant="plain" onClick={() => refilter(setExtra)({})}>
                  Clear these filters
                </Button>
              </InlineStack>
            </div>
          ) : null}
        </Card>
        <Card padding="0">
          <IndexTable
            emptyState={
              <div style={{ padding: "0 16px" }}>
                {filtered ? (
                  <EmptyState title="No customers match these filters">
                    Try a shorter search, or clear a filter.
                  </EmptyState>
                ) : (
                  <EmptyState
                    title="No customers yet"
                    action={{ content: "Sync from Shopify", url: "/admin/webhooks" }}
                  >
                    Customers appear as orders and sign-ups arrive; bring in the shop's history with "Sync from
                    Shopify".
                  </EmptyState>
                )}
              </div>
            }
            resourceName={{ singular: "customer", plural: "customers" }}
            itemCount={profiles.length}
            selectable={false}
            loading={result.isFetching}
            headings={[
              { title: "Customer" },
              { title: "Stage" },
              { title: "Tier" },
              { title: "Points", alignment: "end" },
              { title: "Orders", alignment: "end" },
              { title: "Lifetime spend", alignment: "end" },
              { title: "Last activity" },
            ]}
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
          <Loading loading={result.isPending}>
            <Text as="span" tone="subdued">
              <span data-testid="paging-label">{paging.label}</span>
            </Text>
          </Loading>
          <Pagination
            hasPrevious={paging.hasPrevious}
            hasNext={paging.hasNext}
            onPrevious={() => setOffset(paging.previousOffset)}
            onNext={() => setOffset(paging.nextOffset)}
          />
        </InlineStack>
      </BlockStack>
    </Page>
  );
}
