import {
  Badge,
  BlockStack,
  Button,
  Card,
  DataTable,
  InlineStack,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import QRCode from "qrcode";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { createPairingCode, listDevices, listLocations, revokeDevice } from "../api";
import { keys, useInvalidate } from "../queries";
import { EmptyState, ErrorBanner, Notice, Section } from "../ui";
import { expiresIn, formatDate } from "../view-model";

function PairingCode({ code, expiresAt }: { code: string; expiresAt: string }) {
  const [svg, setSvg] = useState<string>("");
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    // The companion's pairing screen scans this: the code alone, so any URL the tablet uses still works.
    QRCode.toString(code, { type: "svg", margin: 1, width: 180 }).then(setSvg, () => setSvg(""));
    const t = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(t);
  }, [code]);
  return (
    <InlineStack gap="400" blockAlign="center">
      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: qrcode drew this SVG from our pairing code */}
      <div data-testid="pairing-qr" style={{ width: 180, height: 180 }} dangerouslySetInnerHTML={{ __html: svg }} />
      <BlockStack gap="100">
        <Text as="p" variant="heading2xl">
          <span data-testid="pairing-code" style={{ letterSpacing: "0.2em", fontFamily: "monospace" }}>
            {code}
          </span>
        </Text>
        <Text as="p" tone="subdued">
          Scan this with the tablet's camera (Pair this tablet → Scan QR code), or type the code;{" "}
          {expiresIn(expiresAt, now)}.
        </Text>
      </BlockStack>
    </InlineStack>
  );
}

/** Companion tablets: one-time pairing codes, the paired devices, and revocation. */
export function DevicesPage() {
  const invalidate = useInvalidate();
  const devices = useQuery({ queryKey: keys.devices, queryFn: listDevices });
  const locations = useQuery({ queryKey: keys.locations, queryFn: listLocations });
  const known = locations.data?.locations ?? [];
  const nameOf = (locationId: string | null) =>
    locationId ? (known.find((l) => l.id === locationId)?.name ?? locationId) : "Any location";
  const [locationId, setLocationId] = useState("");
  const [pairing, setPairing] = useState<{ code: string; expiresAt: string } | null>(null);
  const pair = useMutation({ mutationFn: createPairingCode, onSuccess: (r) => setPairing(r) });
  const revoke = useMutation({
    mutationFn: async (d: { deviceId: string; name: string }) => {
      await revokeDevice(d.deviceId);
      return `${d.name} can no longer sync.`;
    },
    onSuccess: () => invalidate(keys.devices),
  });
  return (
    <Page title="Devices" subtitle="Companion tablets paired to this shop">
      <BlockStack gap="400">
        <ErrorBanner error={pair.error ?? revoke.error ?? devices.error} />
        <Notice text={revoke.data ?? null} />
        <Section title="Pair a tablet" gap="300">
          <InlineStack gap="200" blockAlign="end">
            {known.length > 0 ? (
              <Select
                label="Location"
                options={[{ label: "Any location", value: "" }, ...known.map((l) => ({ label: l.name, value: l.id }))]}
                value={locationId}
                onChange={setLocationId}
              />
            ) : (
              // No location known yet (no Shopify connection, no POS visit): the merchant names the place.
              <TextField
                label="Location name (optional)"
                value={locationId}
                onChange={setLocationId}
                autoComplete="off"
              />
            )}
            <Button
              variant="primary"
              loading={pair.isPending}
              onClick={() => pair.mutate(locationId.trim() || undefined)}
            >
              Create pairing code
            </Button>
          </InlineStack>
          {pairing ? <PairingCode code={pairing.code} expiresAt={pairing.expiresAt} /> : null}
          <Button onClick={() => void devices.refetch()} variant="plain">
            Refresh device list
          </Button>
        </Section>
        <Card>
          <div data-testid="devices">
            {devices.data && devices.data.devices.length === 0 ? (
              <EmptyState title="No tablets paired yet">
                Create a pairing code above and enter or scan it on the tablet's pairing screen.
              </EmptyState>
            ) : null}
            <DataTable
              columnContentTypes={["text", "text", "text", "text", "numeric", "text"]}
              headings={["Device", "Location", "Paired", "Last sync", "Rejected changes", ""]}
              rows={(devices.data?.devices ?? []).map((d) => [
                d.name,
                nameOf(d.locationId),
                formatDate(d.createdAt, "UTC", true),
                formatDate(d.lastSyncAt, "UTC", true),
                d.rejectedMutations,
                d.status === "revoked" ? (
                  <Badge tone="critical">revoked</Badge>
                ) : (
                  <Button tone="critical" size="slim" onClick={() => revoke.mutate(d)}>
                    Revoke
                  </Button>
                ),
              ])}
            />
          </div>
        </Card>
      </BlockStack>
    </Page>
  );
}
