import { Badge, BlockStack, Button, Card, InlineGrid, InlineStack, Link, Page, Text } from "@shopify/polaris";
import { useMutation, useQuery } from "@tanstack/react-query";
import {
  dismissDuplicate,
  listDuplicates,
  listMerges,
  mergeDuplicate,
  mergeDuplicateInShopify,
  undoMerge,
  type Duplicate,
  type DuplicatePerson,
  type FieldEvidence,
} from "../api";
import { keys, useInvalidate } from "../queries";
import { ErrorBanner, Loading, Notice, Section } from "../ui";
import { formatDate, fullName, humanize } from "../view-model";

function Person({ p }: { p: DuplicatePerson | null }) {
  if (!p)
    return (
      <Text as="p" tone="subdued">
        Profile no longer exists
      </Text>
    );
  return (
    <BlockStack gap="100">
      <Link url={`/admin/customers/${encodeURIComponent(p.profileId)}`}>{fullName(p)}</Link>
      <Text as="p" tone="subdued" variant="bodySm">
        {p.orderCount} orders
      </Text>
      {p.identifiers.map((i) => (
        <Text as="p" key={`${i.kind}:${i.value}`} variant="bodySm">
          {humanize(i.kind)}: {i.value}
        </Text>
      ))}
    </BlockStack>
  );
}

const fieldEvidence = (d: Duplicate): FieldEvidence[] => {
  const e = d.evidence as { fields?: unknown } | null;
  return e && Array.isArray(e.fields) ? (e.fields as FieldEvidence[]) : [];
};
const matchWeight = (d: Duplicate): number | null => {
  const e = d.evidence as { weight?: unknown } | null;
  return e && typeof e.weight === "number" ? e.weight : null;
};
const TONE = { agrees: "success", close: "attention", differs: "critical" } as const;
const VERDICT = { agrees: "agrees", close: "close", differs: "differs" } as const;

/** What agreed and what differed, field by field, with how much each counted for or against. */
function Evidence({ d }: { d: Duplicate }) {
  const fields = fieldEvidence(d);
  if (fields.length === 0) return null;
  return (
    <div data-testid="evidence">
      <BlockStack gap="100">
        {fields.map((f) => (
          <InlineStack key={f.field} gap="200" blockAlign="center">
            <Badge tone={TONE[f.verdict]}>{VERDICT[f.verdict]}</Badge>
            <Text as="span" variant="bodySm">
              {f.words}
            </Text>
            <Text as="span" tone="subdued" variant="bodySm">
              {`${f.weight > 0 ? "+" : ""}${f.weight.toFixed(1)}`}
            </Text>
          </InlineStack>
        ))}
      </BlockStack>
    </div>
  );
}

/**
 * The duplicates queue (merge, or merge in Shopify for two Shopify customers, or dismiss, with the evidence
 * shown) and recent merges, undoable in their window.
 */
export function DuplicatesPage() {
  const invalidate = useInvalidate();
  const duplicates = useQuery({ queryKey: keys.duplicates, queryFn: () => listDuplicates() });
  const merges = useQuery({ queryKey: keys.mergesAll, queryFn: () => listMerges() });
  // A merge, dismissal or undo changes the queue, the merges, both customers' pages, the list and the figures.
  const action = useMutation({
    mutationFn: (act: () => Promise<string>) => act(),
    onSuccess: () => invalidate(keys.duplicates, keys.mergesAll, keys.profilesAll, keys.customersAll, keys.dashboard),
  });
  return (
    <Page title="Duplicates" subtitle="Profiles that may be one customer, for a person to decide">
      <BlockStack gap="400">
        <ErrorBanner error={duplicates.error ?? merges.error ?? action.error} />
        <Notice text={action.data ?? null} />
        <Loading loading={duplicates.isPending} />
        {duplicates.data && duplicates.data.duplicates.length === 0 ? (
          <Card>
            <Text as="p" tone="subdued">
              No open duplicates.
            </Text>
          </Card>
        ) : null}
        {(duplicates.data?.duplicates ?? []).map((d) => (
          <Card key={d.id}>
            <div data-testid="duplicate" data-id={d.id}>
              <BlockStack gap="300">
                <InlineStack gap="200" blockAlign="center">
                  <Badge tone={d.kind === "conflict" ? "attention" : "info"}>{humanize(d.kind)}</Badge>
                  {matchWeight(d) != null ? (
                    <Badge>{`match weight ${matchWeight(d)! > 0 ? "+" : ""}${matchWeight(d)!.toFixed(1)}`}</Badge>
                  ) : d.score != null ? (
                    <Badge>{`score ${d.score.toFixed(2)}`}</Badge>
                  ) : null}
                  <Text as="span" tone="subdued" variant="bodySm">
                    {formatDate(d.createdAt, "UTC", true)}
                  </Text>
                </InlineStack>
                <Text as="p">{d.reason}</Text>
                <Evidence d={d} />
                {d.action === "merge_in_shopify" ? (
                  <Text as="p" tone="subdued" variant="bodySm">
                    {duplicates.data?.shopifyConnected
                      ? "Both are Shopify customers: Shopify merges them, and this app follows."
                      : "Both are Shopify customers: merge them in Shopify admin, and this app follows."}
                  </Text>
                ) : null}
                <InlineGrid columns={2} gap="400">
                  <Person p={d.profiles[0]} />
                  <Person p={d.profiles[1]} />
                </InlineGrid>
                <InlineStack gap="200">
                  {d.action === "waiting_for_shopify" ? (
                    <Text as="p" tone="subdued">
                      Sent to Shopify{d.sentToShopifyAt ? ` on ${formatDate(d.sentToShopifyAt, "UTC", true)}` : ""}:
                      waiting for Shopify to merge the two customers; their profiles here follow.
                    </Text>
                  ) : d.action === "merge_in_shopify" ? (
                    <Button
                      variant="primary"
                      loading={action.isPending}
                      disabled={!duplicates.data?.shopifyConnected}
                      onClick={() =>
                        action.mutate(async () => {
                          await mergeDuplicateInShopify(d.id);
                          return "Sent to Shopify: once Shopify merges the two customers, their profiles here follow.";
                        })
                      }
                    >
                      Merge in Shopify
                    </Button>
                  ) : (
                    <Button
                      variant="primary"
                      loading={action.isPending}
                      onClick={() =>
                        action.mutate(async () => {
                          const r = await mergeDuplicate(d.id);
                          return `Merged. You can undo this until ${formatDate(r.undoableUntil, "UTC", true)}.`;
                        })
                      }
                    >
                      Merge
                    </Button>
                  )}
                  <Button
                    loading={action.isPending}
                    onClick={() =>
                      action.mutate(async () => (await dismissDuplicate(d.id), "Dismissed: these stay two customers."))
                    }
                  >
                    Not the same person
                  </Button>
                </InlineStack>
              </BlockStack>
            </div>
          </Card>
        ))}
        <Section title="Recent merges">
          {(merges.data?.merges ?? []).length === 0 && !merges.isPending ? (
            <Text as="p" tone="subdued">
              No merges yet.
            </Text>
          ) : null}
          {(merges.data?.merges ?? []).map((m) => (
            <div key={m.id} data-testid="merge" data-id={m.id}>
              <InlineStack align="space-between" blockAlign="center" gap="200">
                <BlockStack gap="050">
                  <Text as="p">
                    {m.reason} {m.auto ? <Badge>automatic</Badge> : null}{" "}
                    {m.undoneAt ? <Badge tone="info">undone</Badge> : null}
                  </Text>
                  <Text as="p" tone="subdued" variant="bodySm">
                    {formatDate(m.createdAt, "UTC", true)} · kept{" "}
                    <Link url={`/admin/customers/${encodeURIComponent(m.survivorId)}`}>{m.survivorId}</Link>
                    {m.undoable ? ` · undo until ${formatDate(m.undoableUntil, "UTC", true)}` : ""}
                  </Text>
                </BlockStack>
                {m.undoable ? (
                  <Button
                    loading={action.isPending}
                    onClick={() =>
                      action.mutate(async () => {
                        await undoMerge(m.id);
                        return "Merge undone: both profiles are back as they were.";
                      })
                    }
                  >
                    Undo
                  </Button>
                ) : null}
              </InlineStack>
            </div>
          ))}
        </Section>
      </BlockStack>
    </Page>
  );
}
