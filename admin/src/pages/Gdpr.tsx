import { Banner, BlockStack, Button, Card, DataTable, InlineStack, Page, Text, TextField } from "@shopify/polaris";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError, gdprErase, gdprExportBlob, gdprInventory, gdprPreview, getProfile, getSettings } from "../api";
import { keys, useInvalidate } from "../queries";
import { ErrorBanner, Loading, Notice, OneFieldForm, Section, navigate } from "../ui";
import { ERASE_WORD, countRows, eraseConfirmed, fullName, inventoryRows } from "../view-model";

function Inventory() {
  const inventory = useQuery({ queryKey: keys.inventory, queryFn: gdprInventory });
  const settings = useQuery({ queryKey: keys.settings, queryFn: getSettings });
  const timeZone = settings.data?.settings.timeZone ?? "UTC";
  return (
    <Section title="Data inventory">
      {inventory.error ? (
        <Text as="p" tone="subdued">
          Inventory unavailable: {inventory.error.message}
        </Text>
      ) : (
        <Loading loading={inventory.isPending}>
          {inventory.data ? (
            <div data-testid="inventory">
              <DataTable
                columnContentTypes={["text", "numeric"]}
                headings={["What we hold", ""]}
                rows={inventoryRows(inventory.data, timeZone).map((r) => [r.label, r.value])}
              />
              <Text as="p" tone="subdued" variant="bodySm">
                {inventory.data.retention.note}
              </Text>
            </div>
          ) : null}
        </Loading>
      )}
    </Section>
  );
}

const isStatus = (error: unknown, ...statuses: number[]) =>
  error instanceof ApiError && statuses.includes(error.status);

function CustomerErasure({ profileId }: { profileId: string }) {
  const invalidate = useInvalidate();
  const profile = useQuery({ queryKey: keys.profile(profileId), queryFn: () => getProfile(profileId) });
  const preview = useQuery({ queryKey: keys.gdprPreview(profileId), queryFn: () => gdprPreview(profileId) });
  const [typed, setTyped] = useState("");
  const exporter = useMutation({
    mutationFn: async () => {
      const blob = await gdprExportBlob(profileId);
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = `customer-${profileId}.json`;
      a.click();
      URL.revokeObjectURL(a.href);
    },
  });
  const erase = useMutation({
    mutationFn: () => gdprErase(profileId),
    onSuccess: async () => {
      setTyped("");
      // What erasure changed: this profile (now anonymous), its preview, the inventory, lists and figures.
      await invalidate(keys.aboutProfile(profileId), keys.inventory, keys.customersAll, keys.dashboard);
    },
  });
  if (isStatus(profile.error, 404)) {
    return (
      <Card>
        <div data-testid="unknown-profile">
          <Banner tone="warning" title="No customer with this ID">
            There is no customer {profileId} in this shop. Open a customer from the Customers page and choose GDPR.
          </Banner>
        </div>
      </Card>
    );
  }
  const p = profile.data?.profile;
  const erased =
    p?.status === "erased" || (isStatus(preview.error, 409) && (preview.error as ApiError).code === "already_erased");
  const name = p ? (p.status === "erased" ? "Erased customer" : fullName(p)) : profileId;
  const counts = preview.data?.willChange ?? null;
  const changed = erase.data ? Object.values(erase.data.changed).reduce((a, b) => a + b, 0) : null;
  return (
    <Section title={name} gap="300">
      <ErrorBanner error={exporter.error ?? erase.error ?? (erased ? null : profile.error)} />
      <Notice
        text={
          changed !== null
            ? `Customer erased: ${changed} rows changed. An anonymous row keeps the shop's totals.`
            : exporter.isSuccess
              ? "Export downloaded."
              : null
        }
      />
      {erased ? (
        <div data-testid="already-erased">
          <Banner tone="info" title="This customer is erased">
            Their identifying data is gone; there is nothing left to export or erase.
          </Banner>
        </div>
      ) : (
        <>
          <InlineStack gap="200">
            <Button onClick={() => exporter.mutate()} loading={exporter.isPending} disabled={!p}>
              Download data export (JSON)
            </Button>
          </InlineStack>
          <Text as="h3" variant="headingSm">
            What erasure will change
          </Text>
          <ErrorBanner error={preview.error} title="Could not preview the erasure" />
          <Loading loading={preview.isPending}>
            <div data-testid="erase-preview">
              <DataTable
                columnContentTypes={["text", "numeric"]}
                headings={["Rows", "Count"]}
                rows={countRows(counts).map((r) => [r.label, r.value])}
              />
            </div>
          </Loading>
          <Text as="p">
            Erasure nulls identifying fields, deletes identity links, consents and messages, and keeps an anonymous row
            so shop totals do not change. It cannot be undone.
          </Text>
          <TextField label={`Type ${ERASE_WORD} to confirm`} value={typed} onChange={setTyped} autoComplete="off" />
          <InlineStack>
            <Button
              tone="critical"
              variant="primary"
              disabled={!eraseConfirmed(typed) || !preview.data}
              loading={erase.isPending}
              onClick={() => erase.mutate()}
            >
              Erase customer
            </Button>
          </InlineStack>
        </>
      )}
    </Section>
  );
}

/** GDPR: the shop's data inventory, and for one customer a preview, the export and the erasure. */
export function GdprPage({ profileId }: { profileId: string | null }) {
  const [typed, setTyped] = useState("");
  return (
    <Page
      title="GDPR"
      subtitle="Export, preview and erase a customer's data"
      backAction={
        profileId ? { content: "Customer", url: `/admin/customers/${encodeURIComponent(profileId)}` } : undefined
      }
    >
      <BlockStack gap="400">
        {profileId ? (
          <CustomerErasure profileId={profileId} />
        ) : (
          <Card>
            <OneFieldForm
              label="Profile ID"
              value={typed}
              onChange={setTyped}
              helpText="Open a customer and choose GDPR, or paste a profile ID."
              minWidth={320}
            >
              <Button disabled={!typed.trim()} onClick={() => navigate({ page: "gdpr", profileId: typed.trim() })}>
                Open
              </Button>
            </OneFieldForm>
          </Card>
        )}
        <Inventory />
      </BlockStack>
    </Page>
  );
}
