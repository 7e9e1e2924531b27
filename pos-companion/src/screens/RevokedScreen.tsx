import { useLiveQuery } from "dexie-react-hooks";
import { useState } from "react";
import { exportOutbox, type PairedDevice } from "../sync";
import { useServices } from "../use-sync";
import { PairForm } from "./PairScreen";

/**
 * A tablet the shop unpaired (or whose token the server no longer knows). Its cached customers are already
 * deleted; what staff entered and the server has not got yet is kept, to download or to send after pairing again.
 */
export function RevokedScreen({ device }: { device: PairedDevice }) {
  const { db, changeDeps } = useServices();
  const waiting = useLiveQuery(() => db.outbox.count(), [db], 0);
  const [exported, setExported] = useState(false);
  const download = async () => {
    const doc = await exportOutbox(db, changeDeps.now());
    const url = URL.createObjectURL(new Blob([JSON.stringify(doc, null, 2)], { type: "application/json" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `unsynced-changes-${doc.exportedAt.slice(0, 10)}.json`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
    setExported(true);
  };
  return (
    <main className="revoked">
      <h1>This tablet is no longer paired</h1>
      <p role="alert">
        The shop no longer accepts this tablet ({device.revoked?.message ?? "its pairing is not valid"}). The customer
        list on this tablet has been removed, so no customer details can be read on it.
      </p>
      <p data-testid="waiting-count" data-count={waiting}>
        {waiting === 0
          ? "No changes were waiting to sync."
          : `${waiting} ${waiting === 1 ? "change" : "changes"} made here did not reach the server. They are kept ` +
            "and will be sent as soon as this tablet is paired again."}
      </p>
      {waiting > 0 && (
        <p>
          <button type="button" className="secondary" onClick={() => void download()}>
            Export unsynced changes
          </button>
          {exported && (
            <span className="saved">
              {" "}
              Downloaded: hand the file to the shop owner if this tablet will not be paired again.
            </span>
          )}
        </p>
      )}
      <h2>Pair again</h2>
      <p>Ask the shop owner for a new pairing code (Settings → Devices in the admin).</p>
      <PairForm submitLabel="Pair again" />
    </main>
  );
}
