import { useSyncNow, useSyncState } from "../use-sync";

const time = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

/** Always visible: what is not yet on the server, when it last was, and what the server refused. */
export function SyncStatus() {
  const { pendingCount, rejected, status } = useSyncState();
  const syncNow = useSyncNow();
  const pendingText = pendingCount === 0 ? "All changes synced" : `${pendingCount} ${pendingCount === 1 ? "change" : "changes"} waiting to sync`;
  return (
    <section className="sync" aria-label="Sync">
      <div role="status" aria-live="polite" className="sync-text">
        <strong data-testid="pending-count" data-count={pendingCount}>
          {pendingText}
        </strong>
        <span>{status?.lastSyncAt ? `Last synced ${time(status.lastSyncAt)}` : "Not synced yet"}</span>
        {status?.lastError && <span className="warn">{status.lastError.message}</span>}
        {rejected.length > 0 && (
          <span className="error">
            {rejected.length} {rejected.length === 1 ? "change was" : "changes were"} refused: {rejected[0]!.reason}
          </span>
        )}
      </div>
      <button type="button" className="secondary" onClick={() => syncNow.mutate()} disabled={syncNow.isPending}>
        {syncNow.isPending ? "Syncing…" : "Sync now"}
      </button>
    </section>
  );
}
