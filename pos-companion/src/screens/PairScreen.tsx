import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useCallback, useState } from "react";
import { QrScanner } from "../components/QrScanner";
import { pair } from "../sync";
import { useServices } from "../use-sync";

/** The pairing form: scan the admin's QR with the camera, or type the code. Also pairs a revoked tablet again. */
export function PairForm({ submitLabel = "Pair tablet" }: { submitLabel?: string }) {
  const services = useServices();
  const [code, setCode] = useState("");
  const [deviceName, setDeviceName] = useState("Store tablet");
  const [scanning, setScanning] = useState(false);
  const pairing = useMutation({
    mutationFn: (c: string) => pair({ ...services, now: services.changeDeps.now }, c, deviceName),
    // Whatever waited in the outbox goes out with the new token at once.
    onSuccess: () => void services.engine.sync({ force: true }),
  });
  const scanned = useCallback(
    (c: string) => {
      setScanning(false);
      setCode(c);
      pairing.mutate(c);
    },
    [pairing],
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    pairing.mutate(code);
  };
  return (
    <form onSubmit={submit}>
      {scanning ? (
        <QrScanner onCode={scanned} onClose={() => setScanning(false)} />
      ) : (
        <button type="button" className="secondary" onClick={() => setScanning(true)}>
          Scan QR code
        </button>
      )}
      <label>
        Pairing code
        <input
          value={code}
          onChange={(e) => setCode(e.target.value)}
          autoCapitalize="characters"
          autoComplete="off"
          required
          pattern="[A-Za-z0-9]{6,10}"
          inputMode="text"
        />
      </label>
      <label>
        Tablet name
        <input value={deviceName} onChange={(e) => setDeviceName(e.target.value)} required maxLength={80} />
      </label>
      <button type="submit" disabled={pairing.isPending}>
        {pairing.isPending ? "Pairing…" : submitLabel}
      </button>
      {pairing.isError && (
        <p role="alert" className="error">
          {(pairing.error as Error).message}
        </p>
      )}
    </form>
  );
}

export function PairScreen() {
  return (
    <main className="pair">
      <h1>Pair this tablet</h1>
      <p>
        In the Customer 360 admin, open Settings → Devices and create a pairing code. Scan its QR code, or type the code
        here.
      </p>
      <PairForm />
    </main>
  );
}
