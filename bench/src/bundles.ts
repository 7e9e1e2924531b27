import { existsSync, readdirSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const root = new URL("../../", import.meta.url);

/** The built front ends' JavaScript, raw and gzipped (what a tablet or the POS downloads). */
export function bundleSizes(): string[] {
  const sites = [
    { name: "companion PWA", dir: "pos-companion/dist/assets" },
    { name: "admin", dir: "admin/dist/assets" },
    { name: "POS extension", dir: "extensions/customer-360/dist" },
  ];
  return sites.map(({ name, dir }) => {
    const path = new URL(dir, root);
    if (!existsSync(path)) return `- ${name}: not built`;
    const files = readdirSync(path).filter((f) => f.endsWith(".js"));
    const raw = files.reduce((sum, f) => sum + readFileSync(new URL(`${dir}/${f}`, root)).length, 0);
    const gz = files.reduce(
      (sum, f) => sum + gzipSync(readFileSync(new URL(`${dir}/${f}`, root)), { level: 9 }).length,
      0,
    );
    const kib = (bytes: number) => (bytes / 1024).toFixed(1);
    return `- ${name}: ${kib(raw)} KiB of JavaScript, ${kib(gz)} KiB gzipped (${files.join(", ")})`;
  });
}
