import { Badge, BlockStack, Button, Card, DataTable, InlineStack, Page, Text } from "@shopify/polaris";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { getAgencyRollup, grantAgencyUser, revokeAgencyUser } from "../api";
import { agencyUserError, rollupRows, shareList, type RollupRow } from "../dashboard-view";
import { keys, useInvalidate } from "../queries";
import { ErrorBanner, Loading, Notice, OneFieldForm, Section, StackedBar } from "../ui";
import { formatDate, percent } from "../view-model";

function rowCells(r: RollupRow) {
  return [
    <span data-testid="agency-shop" data-shop={r.shopId} data-flagged={r.flagged}>
      {r.shopId}
    </span>,
    r.profiles,
    <BlockStack gap="100">
      <StackedBar
        parts={r.lifecycle.map((l) => ({ key: l.stage, label: l.label, share: l.share }))}
        label={`Lifecycle: ${shareList(r.lifecycle)}`}
      />
      <Text as="span" variant="bodySm">
        {shareList(r.lifecycle)}
      </Text>
    </BlockStack>,
    <InlineStack gap="200" blockAlign="center" wrap={false}>
      <Text as="span" numeric>
        <span data-testid="fatigue-share" data-share={r.fatigueShare}>
          {r.fatigueText}
        </span>
      </Text>
      {r.flagged ? (
        <span data-testid="fatigue-flag">
          <Badge tone="critical">fatigue</Badge>
        </span>
      ) : null}
    </InlineStack>,
    <ShareLines parts={r.coverage} />,
    <ShareLines parts={r.channelMix} />,
  ];
}

/** One short line per share, so six columns fit a laptop screen. */
function ShareLines({ parts }: { parts: { key: string; label: string; share: number }[] }) {
  return (
    <BlockStack gap="0">
      {parts.map((p) => (
        <Text as="span" variant="bodySm" key={p.key}>
          {p.label} {p.share}%
        </Text>
      ))}
    </BlockStack>
  );
}

/** This shop lets an agency's Shopify user see its figures in their roll-up, or stops it. */
function GrantForm() {
  const invalidate = useInvalidate();
  const [userId, setUserId] = useState("");
  const [fieldError, setFieldError] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: async ({ kind, who }: { kind: "grant" | "revoke"; who: string }) => {
      await (kind === "grant" ? grantAgencyUser(who) : revokeAgencyUser(who));
      return kind === "grant"
        ? `User ${who} can now see this shop's figures in their agency roll-up.`
        : `User ${who} no longer sees this shop's figures.`;
    },
    onSuccess: () => invalidate(keys.agency),
  });
  const act = (kind: "grant" | "revoke") => {
    const error = agencyUserError(userId);
    setFieldError(error);
    if (error) return;
    change.mutate({ kind, who: userId.trim() });
  };
  return (
    <Section title="Share this shop with an agency" gap="300">
      <Text as="p" tone="subdued">
        The user sees this shop's dashboard figures (counts and shares, never a customer) beside the other shops that
        granted them.
      </Text>
      <ErrorBanner error={change.error} title="Access was not changed" />
      <Notice text={change.data ?? null} />
      <OneFieldForm
        label="Agency user ID (Shopify user)"
        value={userId}
        onChange={setUserId}
        error={fieldError ?? undefined}
        minWidth={280}
      >
        <Button variant="primary" loading={change.isPending} onClick={() => act("grant")}>
          Grant access
        </Button>
        <Button tone="critical" disabled={change.isPending} onClick={() => act("revoke")}>
          Revoke access
        </Button>
      </OneFieldForm>
    </Section>
  );
}

/** The signed-in user's shops side by side, each from its own figures, flagging fatigue above the agency threshold. */
export function AgencyPage() {
  const rollup = useQuery({ queryKey: keys.agency, queryFn: getAgencyRollup });
  const r = rollup.data;
  const rows = r ? rollupRows(r) : [];
  return (
    <Page
      title="Agency roll-up"
      subtitle={
        r
          ? `Shops shared with user ${r.userId} · as of ${formatDate(r.asOf, "UTC", true)}`
          : "Every shop shared with you, side by side"
      }
    >
      <BlockStack gap="400">
        <ErrorBanner error={rollup.error} title="The roll-up could not be loaded" />
        <Card>
          <BlockStack gap="200">
            <Loading loading={rollup.isPending}>
              <div data-testid="agency-rollup">
                <DataTable
                  columnContentTypes={["text", "numeric", "text", "text", "text", "text"]}
                  headings={["Shop", "Customers", "Lifecycle mix", "Fatigue", "Coverage", "In store vs online"]}
                  rows={rows.map(rowCells)}
                />
              </div>
            </Loading>
            {r ? (
              <Text as="p" tone="subdued">
                A shop is flagged when more than {percent(r.flagShare)} of its customers are at or above its fatigue
                threshold.
              </Text>
            ) : null}
          </BlockStack>
        </Card>
        <GrantForm />
      </BlockStack>
    </Page>
  );
}
