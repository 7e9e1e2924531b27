import { channelLabel } from "@c360/shared/labels";
import type { ConsentText } from "@c360/shared/consent/texts";
import type { Channel } from "@c360/shared/settings";
import { useState } from "react";
import type { LocalCustomer } from "../db";
import { recordConsent } from "../outbox";
import { useServices, useSyncSoon } from "../use-sync";

/** One channel: the shop's exact text, the customer's tick, then staff confirm. Revocation is the same, reversed. */
export function ConsentPanel(props: {
  customer: LocalCustomer;
  channel: Channel;
  text: ConsentText;
  /** What this tablet recorded and the server has not acknowledged yet. */
  pending?: "granted" | "revoked" | undefined;
}) {
  const { customer, channel, text, pending } = props;
  const { db, changeDeps } = useServices();
  const syncSoon = useSyncSoon();
  const granted = customer.consent[channel] === true;
  // Until the server has acknowledged it, a change is only on this tablet: say so rather than "Opted in".
  const stateText =
    pending === "granted"
      ? "Opt-in pending sync"
      : pending === "revoked"
        ? "Opt-out pending sync"
        : granted
          ? "Opted in"
          : "Not opted in";
  const [open, setOpen] = useState(false);
  const [agreed, setAgreed] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const name = channelLabel(channel);
  const action = granted ? "revoked" : "granted";
  const panelId = `consent-${channel}`;

  const confirm = async () => {
    await recordConsent(db, changeDeps, customer, {
      channel,
      action,
      text: text.text,
      textVersion: text.version,
      locale: text.locale,
    });
    setMessage(
      action === "granted" ? `${name} consent saved on this tablet.` : `${name} consent revoked on this tablet.`,
    );
    setOpen(false);
    setAgreed(false);
    syncSoon();
  };

  return (
    <li className="consent">
      <div className="consent-head">
        <span className="channel">{name}</span>
        <span className={pending ? "state pending" : granted ? "state granted" : "state"}>{stateText}</span>
        <button
          type="button"
          className="secondary"
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => setOpen(!open)}
        >
          {granted ? `Revoke ${name} consent` : `Capture ${name} consent`}
        </button>
      </div>
      {open && (
        <div id={panelId} className="consent-body">
          <p className="hint">
            {granted
              ? "Read this to the customer and confirm they no longer agree:"
              : "Show this text to the customer:"}{" "}
            (version {text.version}, {text.locale})
          </p>
          <blockquote lang={text.locale}>{text.text}</blockquote>
          <label className="check">
            <input type="checkbox" checked={agreed} onChange={(e) => setAgreed(e.target.checked)} />
            {granted ? `The customer asks to stop ${name} messages` : "The customer has read this and agrees"}
          </label>
          <button type="button" disabled={!agreed} onClick={() => void confirm()}>
            {granted ? `Confirm ${name} revocation` : `Confirm ${name} consent`}
          </button>
        </div>
      )}
      {message && (
        <p className="saved" role="status">
          {message}
        </p>
      )}
    </li>
  );
}
