import jsQR from "jsqr";
import { useEffect, useRef, useState } from "react";

/** What the admin's QR holds is the pairing code alone; a URL carrying `?code=` is read too. */
export function pairingCodeFromQr(text: string): string | null {
  const trimmed = text.trim();
  if (/^[A-Za-z0-9]{6,10}$/.test(trimmed)) return trimmed.toUpperCase();
  try {
    const code = new URL(trimmed).searchParams.get("code");
    return code && /^[A-Za-z0-9]{6,10}$/.test(code) ? code.toUpperCase() : null;
  } catch {
    return null;
  }
}

interface Detector {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}
type DetectorClass = { new (opts: { formats: string[] }): Detector; getSupportedFormats?: () => Promise<string[]> };

/** The browser's own QR reader where it has one (Chrome on Android, Safari); jsQR on a canvas frame elsewhere. */
async function makeReader(video: HTMLVideoElement): Promise<() => Promise<string | null>> {
  const Native = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  const formats: string[] = (await Native?.getSupportedFormats?.().catch(() => [])) ?? [];
  if (Native && formats.includes("qr_code")) {
    const detector = new Native({ formats: ["qr_code"] });
    return async () => (await detector.detect(video))[0]?.rawValue ?? null;
  }
  const canvas = document.createElement("canvas");
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  return async () => {
    if (!ctx || video.videoWidth === 0) return null;
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    ctx.drawImage(video, 0, 0);
    const frame = ctx.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(frame.data, frame.width, frame.height, { inversionAttempts: "dontInvert" })?.data ?? null;
  };
}

/** The back camera reading the admin's pairing QR; typing the code stays beside it for when this cannot work. */
export function QrScanner({ onCode, onClose }: { onCode: (code: string) => void; onClose: () => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let stream: MediaStream | null = null;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const start = async () => {
      try {
        if (!navigator.mediaDevices?.getUserMedia) throw new Error("This browser cannot use the camera here.");
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
        if (stopped) return;
        const el = video.current!;
        el.srcObject = stream;
        await el.play();
        const read = await makeReader(el);
        const tick = async () => {
          if (stopped) return;
          const text = await read().catch(() => null);
          const code = text ? pairingCodeFromQr(text) : null;
          if (code) return onCode(code);
          if (text) setProblem("That QR code is not a pairing code. Show the code from Settings → Devices.");
          timer = setTimeout(() => void tick(), 200);
        };
        void tick();
      } catch (error) {
        setProblem(`The camera could not start (${(error as Error).message}). Type the code instead.`);
      }
    };
    void start();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [onCode]);
  return (
    <div className="scanner">
      <video ref={video} muted playsInline aria-label="Camera view for the pairing QR code" />
      <p className="hint">Point the camera at the QR code in the admin.</p>
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      <button type="button" className="secondary" onClick={onClose}>
        Stop scanning
      </button>
    </div>
  );
}
