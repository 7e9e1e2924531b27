import { lifecycleStageLabel, loyaltyLine } from "@c360/shared/labels";
import { CHANNELS } from "@c360/shared/settings";
import { engagementLabel } from "@c360/shared/labels";
import { useLiveQuery } from "dexie-react-hooks";
import { useState } from "react";
import { ConsentPanel } from "../components/ConsentPanel";
import { consentTextsFor } from "../consent-texts";
import { displayName } from "../db";
import { logVisit } from "../outbox";
import { pendingConsent } from "../pending-changes";
import { useServices, useSyncSoon, useSyncState } from "../use-sync";

export function CustomerDetail({
  id,
  locationId,
  onBack,
}: {
  id: string;
  locationId: string | null;
  onBack: () => void;
}) {
  const { db, changeDeps } = useServices();
  const syncSoon = useSyncSoon();
  // `null` once the read answered and found no one (a wiped cache); `undefined` only while it reads.
  const customer = useLiveQuery(async () => (await db.customers.get(id)) ?? null, [db, id]);
  const texts = useLiveQuery(() => consentTextsFor(db), [db]);
  const { pending, pendingCustomers, rejected } = useSyncState();
  const [visitMessage, setVisitMessage] = useState<string | null>(null);

  if (customer === null) {
    return (
      <p>
        This customer is no longer on this tablet.{" "}
        <button type="button" className="link" onClick={onBack}>
          Back to search
        </button>
      </p>
    );
  }
  if (customer === undefined || !texts) return <p>Loading customer…</p>;
  const refused = rejected.filter((r) => r.customerKey === customer.id);
  const visit = async () => {
    await logVisit(db, changeDeps, customer, { locationId });
    setVisitMessage(`Visit logged at ${new Date().toLocaleTimeString(undefined, { timeStyle: "short" })}.`);
    syncSoon();
  };

  return (
    <section aria-labelledby="customer-title" className="customer">
      <button type="button" className="link" onClick={onBack}>
        ← Back to search
      </button>
      <h2 id="customer-title">{displayName(customer)}</h2>
      {pendingCustomers.has(customer.id) ? (
        <p className="badge">Not synced yet — saved on this tablet</p>
      ) : (
        <p className="badge ok">Synced</p>
      )}
      <dl className="facts">
        {customer.emails.length > 0 && (
          <>
            <dt>Email</dt>
            <dd>{customer.emails.join(", ")}</dd>
          </>
        )}
        {customer.phones.length > 0 && (
          <>
            <dt>Phone</dt>
            <dd>{customer.phones.join(", ")}</dd>
          </>
        )}
        {customer.birthday && (
          <>
            <dt>Birthday</dt>
            <dd>{customer.birthday}</dd>
          </>
        )}
        <dt>Loyalty</dt>
        <dd>{loyaltyLine(customer.points, customer.tier ?? "No tier")}</dd>
        <dt>Stage</dt>
        <dd>{lifecycleStageLabel(customer.lifecycleStage)}</dd>
        <dt>Engagement</dt>
        <dd>{engagementLabel(customer.engagementScore)}</dd>
      </dl>
      {refused.map((r) => (
        <p key={r.id} className="error" role="alert">
          {r.field ? `Saved without the ${r.field}: ${r.reason}` : `The server refused a ${r.name} change: ${r.reason}`}
        </p>
      ))}
      <button type="button" onClick={() => void visit()}>
        Log visit
      </button>
      {visitMessage && <p role="status">{visitMessage}</p>}
      <h3>Marketing consent</h3>
      <ul className="consents">
        {CHANNELS.map((channel) => (
          <ConsentPanel
            key={channel}
            customer={customer}
            channel={channel}
            text={texts[channel]}
            pending={pendingConsent(pending, customer.id)[channel]}
          />
        ))}
      </ul>
    </section>
  );
}
