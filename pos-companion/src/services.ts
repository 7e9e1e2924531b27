import { CompanionDb } from "./db";
import { browserChangeDeps } from "./outbox";
import { SyncEngine } from "./sync";

/** The one database and engine of this tab; screens reach them through `useServices`. */
export function createServices(origin: string = window.location.origin) {
  const db = new CompanionDb();
  // iPadOS closes IndexedDB under a backgrounded tab; reopen at once so live queries keep answering.
  db.on("close", () => void db.open().catch(() => undefined));
  const transport = { baseUrl: origin, fetch: (input: string, init?: RequestInit) => fetch(input, init) };
  const engine = new SyncEngine({
    db,
    transport,
    ...browserChangeDeps,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
    attempts: 3,
  });
  return { db, transport, engine, changeDeps: browserChangeDeps };
}
export type Services = ReturnType<typeof createServices>;

/** Asks the browser not to evict this origin's IndexedDB under storage pressure: days of unsynced work live there. */
export async function requestPersistentStorage(): Promise<boolean> {
  try {
    if (await navigator.storage?.persisted?.()) return true;
    return (await navigator.storage?.persist?.()) ?? false;
  } catch {
    return false;
  }
}
