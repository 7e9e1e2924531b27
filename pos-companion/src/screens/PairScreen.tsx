import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { pair } from "../sync";
import { useServices } from "../use-sync";

export function PairScreen() {
  const services = useServices();
  const [code, setCode] = useState("");
  const [deviceName, setDeviceName] = useState("Store tablet");
  const pairing = useMutation({
    mutationFn: () => pair({ ...services, now: services.changeDeps.now }, code, deviceName),
    onSuccess: () => void services.engine.sync({ force: true }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    pairing.mutate();
  };
  return (
    <main className="pair">
      <h1>Pair this tablet</h1>
      <p>In the Customer 360 admin, open Settings → Devices and create a pairing code. Enter it here.</p>
      <form onSubmit={submit}>
        <label>
          Pairing code
          <input value={code} onChange={(e) => setCode(e.target.value)} autoCapitalize="characters" autoComplete="off" required pattern="[A-Za-z0-9]{6,10}" inputMode="text" />
        </label>
        <label>
          Tablet name
          <input value={deviceName} onChange={(e) => setDeviceName(e.target.value)} required maxLength={80} />
        </label>
        <button type="submit" disabled={pairing.isPending}>
          {pairing.isPending ? "Pairing…" : "Pair tablet"}
        </button>
        {pairing.isError && (
          <p role="alert" className="error">
            {(pairing.error as Error).message}
          </p>
        )}
      </form>
    </main>
  );
}
