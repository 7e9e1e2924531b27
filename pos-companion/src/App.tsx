import { useLiveQuery } from "dexie-react-hooks";
import { useEffect, useState } from "react";
import { phoneCountry } from "./capture-form";
import { SyncStatus } from "./components/SyncStatus";
import { CustomerDetail } from "./screens/CustomerDetail";
import { FindCustomer } from "./screens/FindCustomer";
import { NewCustomer } from "./screens/NewCustomer";
import { PairScreen } from "./screens/PairScreen";
import { RevokedScreen } from "./screens/RevokedScreen";
import { deviceLocationLabel, readDevice } from "./sync";
import { useServices, useSyncDriver } from "./use-sync";

type View = { screen: "find" } | { screen: "new" } | { screen: "customer"; id: string };

/** The screens the top tabs open; a customer's screen opens from search or after a capture. */
const TABS = [
  ["find", "Find customer"],
  ["new", "New customer"],
] as const;

export function App() {
  const { db } = useServices();
  // `undefined` while IndexedDB opens, `null` when this tablet was never paired.
  const device = useLiveQuery(() => readDevice(db), [db]);
  const [view, setView] = useState<View>({ screen: "find" });
  useSyncDriver(!!device && !device.revoked);
  useEffect(() => {
    if (device !== undefined) document.body.dataset.ready = "true";
  }, [device]);
  // A new pairing (after a revocation wiped the cache) starts at search: the customer open before is gone.
  const pairedAt = device?.pairedAt;
  useEffect(() => setView({ screen: "find" }), [pairedAt]);

  if (device === undefined) return <p className="loading">Opening…</p>;
  if (device === null) return <PairScreen />;
  if (device.revoked) return <RevokedScreen device={device} />;
  const where = deviceLocationLabel(device);
  return (
    <div className="app">
      <header className="topbar">
        <div>
          <h1>Customer 360</h1>
          <p className="where">
            {device.shop}
            {where ? ` · ${where}` : ""}
          </p>
        </div>
        <SyncStatus />
      </header>
      <nav className="tabs" aria-label="Screens">
        {TABS.map(([screen, label]) => (
          <button
            key={screen}
            type="button"
            aria-current={view.screen === screen ? "page" : undefined}
            onClick={() => setView({ screen })}
          >
            {label}
          </button>
        ))}
      </nav>
      <main className="content">
        {view.screen === "find" && <FindCustomer onOpen={(id) => setView({ screen: "customer", id })} />}
        {view.screen === "new" && (
          <NewCustomer
            defaultCountry={phoneCountry(device, navigator.language)}
            onSaved={(id) => setView({ screen: "customer", id })}
            onOpen={(id) => setView({ screen: "customer", id })}
          />
        )}
        {view.screen === "customer" && (
          <CustomerDetail id={view.id} locationId={device.location} onBack={() => setView({ screen: "find" })} />
        )}
      </main>
    </div>
  );
}
