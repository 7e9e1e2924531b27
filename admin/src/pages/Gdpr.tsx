import { BlockStack, Button, Card, DataTable, InlineStack, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { gdprErase, gdprExportBlob, gdprInventory, gdprPreview, getProfile } from "../api";
import { ErrorBanner, Loading, Notice, navigate, useAction, useLoad } from "../ui";
import { ERASE_WORD, countRows, eraseConfirmed, fullName } from "../view-model";

function Inventory() {
  const inventory = useLoad(() => gdprInventory(), []);
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Data inventory
        </Text>
        {inventory.error ? (
          <Text as="p" tone="subdued">
            Inventory unavailable: {inventory.error}
          </Text>
        ) : (
          <Loading loading={inventory.loading}>
            <div data-testid="inventory">
              <DataTable columnContentTypes={["text", "numeric"]} headings={["", ""]} rows={countRows(inventory.data).map((r) => [r.label, r.value])} />
            </div>
          </Loading>
        )}
      </BlockStack>
    </Card>
  );
}

function CustomerErasure({ profileId }: { profileId: string }) {
  const profile = useLoad(() => getProfile(profileId), [profileId]);
  const preview = useLoad(() => gdprPreview(profileId), [profileId]);
  const [typed, setTyped] = useState("");
  const action = useAction();
  const [erased, setErased] = useState(false);
  const name = profile.data ? fullName(profile.data.profile) : profileId;
  const counts = preview.data?.willChange ?? null;
  const download = () =>
    action.run(async () => {
      const blob = await gdprExportBlob(profileId);
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = `customer-${profileId}.json`;
      a.click();
      URL.revokeObjectURL(a.href);
    }, () => "Export downloaded.");
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {name}
        </Text>
        <ErrorBanner error={action.error} />
        <Notice text={action.notice} />
        <InlineStack gap="200">
          <Button onClick={download} loading={action.pending}>
            Download data export (JSON)
          </Button>
        </InlineStack>
        <Text as="h3" variant="headingSm">
          What erasure will change
        </Text>
        <ErrorBanner error={preview.error} title="Could not preview the erasure" />
        <Loading loading={preview.loading}>
          <div data-testid="erase-preview">
            <DataTable columnContentTypes={["text", "numeric"]} headings={["Rows", "Count"]} rows={countRows(counts).map((r) => [r.label, r.value])} />
          </div>
        </Loading>
        <Text as="p">
          Erasure nulls identifying fields, deletes identity links, consents and messages, and keeps an anonymous row so shop totals do not change. It cannot be undone.
        </Text>
        <TextField label={`Type ${ERASE_WORD} to confirm`} value={typed} onChange={setTyped} autoComplete="off" />
        <InlineStack>
          <Button
            tone="critical"
            variant="primary"
            disabled={!eraseConfirmed(typed) || !preview.data || erased}
            loading={action.pending}
            onClick={() =>
              action.run(() => gdprErase(profileId), (r) => {
                setTyped("");
                setErased(true);
                const changed = Object.values(r.changed).reduce((a, b) => a + b, 0);
                return `Customer erased: ${changed} rows changed. An anonymous row keeps the shop's totals.`;
              })
            }
          >
            Erase customer
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

/** GDPR: the shop's data inventory, and for one customer a preview, the export and the erasure. */
export function GdprPage({ profileId }: { profileId: string | null }) {
  const [typed, setTyped] = useState("");
  return (
    <Page title="GDPR" subtitle="Export, preview and erase a customer's data" backAction={profileId ? { content: "Customer", url: `/admin/customers/${encodeURIComponent(profileId)}` } : undefined}>
      <BlockStack gap="400">
        {profileId ? (
          <CustomerErasure profileId={profileId} />
        ) : (
          <Card>
            <InlineStack gap="200" blockAlign="end">
              <div style={{ minWidth: 320 }}>
                <TextField label="Profile ID" value={typed} onChange={setTyped} autoComplete="off" helpText="Open a customer and choose GDPR, or paste a profile ID." />
              </div>
              <Button disabled={!typed.trim()} onClick={() => navigate({ page: "gdpr", profileId: typed.trim() })}>
                Open
              </Button>
            </InlineStack>
          </Card>
        )}
        <Inventory />
      </BlockStack>
    </Page>
  );
}
