export type Logger = (event: Record<string, unknown>) => void;

const SECRET_KEYS = /authorization|token|secret|password|hmac/i;

/** Structured JSON lines; values under secret-looking keys never reach the log. */
export function jsonLogger(write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Logger {
  return (event) => {
    const safe: Record<string, unknown> = { time: new Date().toISOString() };
    for (const [k, v] of Object.entries(event)) safe[k] = SECRET_KEYS.test(k) ? "[redacted]" : v;
    write(JSON.stringify(safe));
  };
}

export const silentLogger: Logger = () => {};
