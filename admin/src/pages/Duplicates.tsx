import { Badge, BlockStack, Button, Card, InlineGrid, InlineStack, Link, Page, Text } from "@shopify/polaris";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { dismissDuplicate, listDuplicates, listMerges, mergeDuplicate, undoMerge, type DuplicatePerson } from "../api";
import { keys } from "../queries";
import { ErrorBanner, Loading, Notice } from "../ui";
import { formatDate, fullName, humanize } from "../view-model";

function Person({ p }: { p: DuplicatePerson | null }) {
  if (!p) return <Text as="p" tone="subdued">Profile no longer exists</Text>;
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

/** The duplicates queue (merge or dismiss, with the reason shown) and recent merges, undoable in their window. */
export function DuplicatesPage() {
  const client = useQueryClient();
  const duplicates = useQuery({ queryKey: keys.duplicates, queryFn: () => listDuplicates() });
  const merges = useQuery({ queryKey: keys.mergesAll, queryFn: () => listMerges() });
  // A merge, dismissal or undo changes the queue, the merges, both customers' pages, the list and the figures.
  const action = useMutation({
    mutationFn: (act: () => Promise<string>) => act(),
    onSuccess: () =>
      Promise.all(
        [keys.duplicates, keys.mergesAll, ["profile"], keys.customersAll, keys.dashboard].map((queryKey) =>
          client.invalidateQueries({ queryKey }),
        ),
      ),
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
                  {d.score != null ? <Badge>{`score ${d.score.toFixed(2)}`}</Badge> : null}
                  <Text as="span" tone="subdued" variant="bodySm">
                    {formatDate(d.createdAt, "UTC", true)}
                  </Text>
                </InlineStack>
                <Text as="p">{d.reason}</Text>
                <InlineGrid columns={2} gap="400">
                  <Person p={d.profiles[0]} />
                  <Person p={d.profiles[1]} />
                </InlineGrid>
                <InlineStack gap="200">
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
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              Recent merges
            </Text>
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
                      {m.reason} {m.auto ? <Badge>automatic</Badge> : null} {m.undoneAt ? <Badge tone="info">undone</Badge> : null}
                    </Text>
                    <Text as="p" tone="subdued" variant="bodySm">
                      {formatDate(m.createdAt, "UTC", true)} · kept <Link url={`/admin/customers/${encodeURIComponent(m.survivorId)}`}>{m.survivorId}</Link>
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
          </BlockStack>
        </Card>
      </BlockStack>
    </Page>
  );
}
