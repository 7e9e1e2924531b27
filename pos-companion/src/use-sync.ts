import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLiveQuery } from "dexie-react-hooks";
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { Services } from "./services";
import { readSyncStatus } from "./sync";

export const ServicesContext = createContext<Services | null>(null);
export function useServices(): Services {
  const s = useContext(ServicesContext);
  if (!s) throw new Error("ServicesContext missing");
  return s;
}

const SYNC_KEY = ["sync"] as const;
const TIMER_MS = 30_000;
const AFTER_WRITE_MS = 400;

/**
 * TanStack Query decides when a sync runs: at start, on focus (visibilitychange), on reconnect and on a
 * timer. The outbox in IndexedDB, not the query cache, is the queue; the engine owns backoff.
 */
export function useSyncDriver(paired: boolean) {
  const { engine } = useServices();
  const client = useQueryClient();
  useQuery({
    queryKey: SYNC_KEY,
    queryFn: () => engine.sync(),
    enabled: paired,
    networkMode: "always",
    refetchInterval: TIMER_MS,
    refetchIntervalInBackground: false,
    refetchOnWindowFocus: "always",
    refetchOnReconnect: "always",
    retry: false,
    staleTime: 0,
  });
  useEffect(() => {
    // Coming back online means the backoff wait is stale: go now.
    const online = () => void engine.sync({ force: true }).then(() => client.invalidateQueries({ queryKey: SYNC_KEY }));
    window.addEventListener("online", online);
    return () => window.removeEventListener("online", online);
  }, [engine, client]);
}

/** "Sync now": ignores the backoff wait. */
export function useSyncNow() {
  const { engine } = useServices();
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => engine.sync({ force: true }),
    networkMode: "always",
    onSettled: (report) => client.setQueryData(SYNC_KEY, report),
  });
}

/**
 * Call after every local write: several quick changes go in one push, within a second of the last. The
 * engine holds the timer, so the screen that saved may close at once (issue #20: a closed form used to
 * cancel the push, leaving the change for the 30-second timer).
 */
export function useSyncSoon() {
  const { engine } = useServices();
  const client = useQueryClient();
  return useCallback(() => {
    void engine.syncSoon(AFTER_WRITE_MS).then((report) => client.setQueryData(SYNC_KEY, report));
  }, [engine, client]);
}

/**
 * Whether the tablet can reach the server, known at once: the browser's online flag and its events, and
 * the last sync's failure for a network that is up but leads nowhere (a captive portal, a server down).
 */
export function useOnline(): { online: boolean; reason: string | null } {
  const { db } = useServices();
  const [browserOnline, setBrowserOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const update = () => setBrowserOnline(navigator.onLine);
    window.addEventListener("online", update);
    window.addEventListener("offline", update);
    return () => {
      window.removeEventListener("online", update);
      window.removeEventListener("offline", update);
    };
  }, []);
  const status = useLiveQuery(() => readSyncStatus(db), [db]);
  if (!browserOnline) return { online: false, reason: "This tablet has no network." };
  if (status?.lastError?.code === "offline") return { online: false, reason: "The server cannot be reached." };
  return { online: true, reason: null };
}

/** What the status bar shows, live from IndexedDB. */
export function useSyncState() {
  const { db } = useServices();
  const pending = useLiveQuery(() => db.outbox.toArray(), [db], []);
  const rejected = useLiveQuery(() => db.rejected.orderBy("seq").reverse().toArray(), [db], []);
  const status = useLiveQuery(() => readSyncStatus(db), [db]);
  const pendingCustomers = useMemo(
    () => new Set(pending.map((r) => r.customerKey).filter(Boolean) as string[]),
    [pending],
  );
  return { pending, pendingCount: pending.length, pendingCustomers, rejected, status };
}
