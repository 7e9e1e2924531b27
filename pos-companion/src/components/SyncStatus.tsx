import { useLiveQuery } from "dexie-react-hooks";
import { describeChange } from "../pending-changes";
import { useOnline, useServices, useSyncNow, useSyncState } from "../use-sync";

const time = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

/** Always visible: whether the server is reachable, what is not yet on it (each change listed), and what it refused. */
export function SyncStatus() {
  const { db } = useServices();
  const { pending, pendingCount, rejected, status } = useSyncState();
  const { online, reason } = useOnline();
  const syncNow = useSyncNow();
  const keys = pending.map((r) => r.customerKey).filter((k): k is string => !!k);
  const customers = useLiveQuery(async () => {
    const found = (await db.customers.bulkGet(keys)).filter((c) => !!c);
    return new Map(found.map((c) => [c!.id, c!]));
  }, [db, keys.join()]);
  const pendingText =
    pendingCount === 0
      ? "All changes synced"
      : `${pendingCount} ${pendingCount === 1 ? "change" : "changes"} waiting to sync`;
  return (
    <section className="sync" aria-label="Sync">
      <span className={online ? "net online" : "net offline"} data-testid="network" data-online={online}>
        {online ? "Online" : "Offline"}
      </span>
      <div role="status" aria-live="polite" className="sync-text">
        <strong data-testid="pending-count" data-count={pendingCount}>
          {pendingText}
        </strong>
        {!online && <span className="warn">{reason} Changes are kept on this tablet and sync when it is back.</span>}
        <span>{status?.lastSyncAt ? `Last synced ${time(status.lastSyncAt)}` : "Not synced yet"}</span>
        {online && status?.lastError && <span className="warn">{status.lastError.message}</span>}
        {rejected.length > 0 && (
          <span className="error">
            {rejected.length} {rejected.length === 1 ? "change was" : "changes were"} refused: {rejected[0]!.reason}
          </span>
        )}
      </div>
      {pendingCount > 0 && (
        <details className="pending-list">
          <summary>Show waiting changes</summary>
          <ol aria-label="Changes waiting to sync">
            {pending.map((row) => (
              <li key={row.id}>
                {describeChange(row, row.customerKey ? customers?.get(row.customerKey) : undefined)}
                <span className="hint"> · saved {time(row.createdAt)}</span>
              </li>
            ))}
          </ol>
        </details>
      )}
      <button type="button" className="secondary" onClick={() => syncNow.mutate()} disabled={syncNow.isPending}>
        {syncNow.isPending ? "Syncing…" : "Sync now"}
      </button>
    </section>
  );
}
