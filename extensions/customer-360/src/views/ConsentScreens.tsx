import type { Channel } from "@c360/shared";
import { Banner, Button, ScrollView, Section, Stack, Text } from "@shopify/ui-extensions-react/point-of-sale";
import type { ConsentText } from "../api";
import { CHANNEL_LABELS, consentStateLabel, type ChannelConsentRow } from "../consent-capture";

export interface ConsentRequest {
  channel: Channel;
  action: "granted" | "revoked";
}

export function ConsentOverview(props: { rows: ChannelConsentRow[]; offlineLabel: string | null; onChoose: (request: ConsentRequest) => void }) {
  return (
    <ScrollView>
      {props.offlineLabel ? <Banner title={props.offlineLabel} variant="information" visible hideAction /> : null}
      {props.rows.map((row) => (
        <Section key={row.channel} title={CHANNEL_LABELS[row.channel]}>
          <Stack direction="inline" gap="200" padding="200">
            <Text color={row.state.endsWith("pending_sync") ? "TextWarning" : "TextNeutral"}>{consentStateLabel(row)}</Text>
            {row.state === "granted" || row.state === "grant_pending_sync" ? (
              <Button title={`Revoke ${CHANNEL_LABELS[row.channel]}`} type="destructive" onPress={() => props.onChoose({ channel: row.channel, action: "revoked" })} />
            ) : (
              <Button title={`Ask for ${CHANNEL_LABELS[row.channel]} consent`} onPress={() => props.onChoose({ channel: row.channel, action: "granted" })} />
            )}
          </Stack>
        </Section>
      ))}
    </ScrollView>
  );
}

/** The exact words the customer agrees to, with their version; nothing is recorded without them. */
export function ConsentConfirm(props: {
  request: ConsentRequest | null;
  text: ConsentText | undefined;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  if (!props.request) return <Text>Choose a channel first.</Text>;
  if (!props.text) {
    return (
      <Banner
        title="The shop's consent text is not on this register yet. Connect to the internet once to load it."
        variant="error"
        visible
        hideAction
      />
    );
  }
  const label = CHANNEL_LABELS[props.request.channel];
  return (
    <ScrollView>
      <Text variant="captionMedium">{props.request.action === "granted" ? `Read this to the customer (${label}):` : `Revoking ${label} consent:`}</Text>
      <Text>{props.text.text}</Text>
      <Text variant="captionRegular">{`Consent text version ${props.text.version} (${props.text.locale})`}</Text>
      <Stack direction="inline" gap="200">
        <Button
          title={props.request.action === "granted" ? "Customer agrees" : "Record revocation"}
          type="primary"
          isLoading={props.busy}
          isDisabled={props.busy}
          onPress={props.onConfirm}
        />
        <Button title="Cancel" onPress={props.onCancel} />
      </Stack>
    </ScrollView>
  );
}
