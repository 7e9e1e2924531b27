import type { Channel } from "@c360/shared";
import { missingPhoneRefusal } from "@c360/shared/consent/phone";
import { useState } from "preact/hooks";
import type { ConsentText } from "../api";
import { channelLabel, consentStateLabel, type ChannelConsentRow } from "../consent-capture";

export interface ConsentRequest {
  channel: Channel;
  action: "granted" | "revoked";
}

export function ConsentOverview(props: {
  rows: ChannelConsentRow[];
  offlineLabel: string | null;
  onChoose: (request: ConsentRequest) => void;
}) {
  return (
    <s-stack direction="block" gap="base">
      {props.offlineLabel ? <s-banner heading={props.offlineLabel} tone="info" /> : null}
      {props.rows.map((row) => {
        const label = channelLabel(row.channel);
        const granted = row.state === "granted" || row.state === "grant_pending_sync";
        return (
          <s-section key={row.channel} heading={label}>
            <s-stack direction="inline" gap="small">
              <s-text tone={row.state.endsWith("pending_sync") ? "warning" : "neutral"}>
                {consentStateLabel(row)}
              </s-text>
              {granted ? (
                <s-button
                  tone="critical"
                  onClick={() => props.onChoose({ channel: row.channel, action: "revoked" })}
                >{`Revoke ${label}`}</s-button>
              ) : (
                <s-button
                  onClick={() => props.onChoose({ channel: row.channel, action: "granted" })}
                >{`Ask for ${label} consent`}</s-button>
              )}
            </s-stack>
          </s-section>
        );
      })}
    </s-stack>
  );
}

/** The exact words the customer agrees to, with their version; nothing is recorded without them. */
export function ConsentConfirm(props: {
  request: ConsentRequest | null;
  text: ConsentText | undefined;
  busy: boolean;
  /** The profile's phone numbers: an SMS or WhatsApp grant without one asks the clerk for it first. */
  phones: readonly string[];
  onConfirm: (phone?: string) => void;
  onCancel: () => void;
}) {
  const [phone, setPhone] = useState("");
  if (!props.request) return <s-text>Choose a channel first.</s-text>;
  if (!props.text) {
    return (
      <s-banner
        heading="The shop's consent text is not on this register yet. Connect to the internet once to load it."
        tone="critical"
      />
    );
  }
  const label = channelLabel(props.request.channel);
  const needsPhone = missingPhoneRefusal({ ...props.request, phones: props.phones }) !== null;
  const missing = needsPhone ? missingPhoneRefusal({ ...props.request, phones: [phone] }) : null;
  return (
    <s-stack direction="block" gap="base">
      <s-text type="strong">
        {props.request.action === "granted" ? `Read this to the customer (${label}):` : `Revoking ${label} consent:`}
      </s-text>
      <s-text>{props.text.text}</s-text>
      <s-text type="small">{`Consent text version ${props.text.version} (${props.text.locale})`}</s-text>
      {needsPhone ? (
        <s-text-field
          label="Customer's phone number"
          value={phone}
          {...(missing ? { details: missing.message } : {})}
          onInput={(event) => setPhone(String((event.currentTarget as { value?: string }).value ?? ""))}
        />
      ) : null}
      <s-stack direction="inline" gap="small">
        <s-button
          variant="primary"
          loading={props.busy}
          disabled={props.busy || missing !== null}
          onClick={() => missing === null && props.onConfirm(needsPhone ? phone.trim() : undefined)}
        >
          {props.request.action === "granted" ? "Customer agrees" : "Record revocation"}
        </s-button>
        <s-button onClick={props.onCancel}>Cancel</s-button>
      </s-stack>
    </s-stack>
  );
}
