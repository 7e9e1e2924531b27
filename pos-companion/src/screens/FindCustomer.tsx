import { useLiveQuery } from "dexie-react-hooks";
import { useState } from "react";
import { displayName, searchCustomers } from "../db";
import { useServices, useSyncState } from "../use-sync";

/** Searches the tablet's own cache, so it answers as staff type, with or without a network. */
export function FindCustomer({ onOpen }: { onOpen: (id: string) => void }) {
  const { db } = useServices();
  const [query, setQuery] = useState("");
  const results = useLiveQuery(() => searchCustomers(db, query), [db, query], []);
  const cached = useLiveQuery(() => db.customers.count(), [db], 0);
  const { pendingCustomers } = useSyncState();
  return (
    <section aria-labelledby="find-title">
      <h2 id="find-title">Find customer</h2>
      <label className="search">
        Name, email or phone
        <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} autoComplete="off" autoFocus />
      </label>
      <p className="hint">{cached} customers on this tablet</p>
      {query.trim() && (
        <ul className="results" aria-label="Matching customers">
          {results.length === 0 && <li className="empty">No customer on this tablet matches “{query.trim()}”.</li>}
          {results.map((c) => (
            <li key={c.id}>
              <button type="button" className="result" onClick={() => onOpen(c.id)}>
                <span className="name">{displayName(c)}</span>
                <span className="detail">{[c.emails[0], c.phones[0]].filter(Boolean).join(" · ")}</span>
                {pendingCustomers.has(c.id) && <span className="badge">Not synced yet</span>}
                {c.tier && <span className="badge tier">{c.tier}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
