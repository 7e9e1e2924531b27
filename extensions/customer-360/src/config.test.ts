import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { APP_URL } from "./config";

const here = dirname(fileURLToPath(import.meta.url));
const read = (path: string) => readFileSync(resolve(here, path), "utf8");
const value = (toml: string, key: string) => toml.match(new RegExp(`^${key}\\s*=\\s*"([^"]*)"`, "m"))?.[1];

describe("app and extension configuration", () => {
  const app = read("../../../shopify.app.toml");
  const extension = read("../shopify.extension.toml");

  it("no app URL is baked in: requests are relative, so POS resolves them against application_url", () => {
    expect(APP_URL).toBe("");
    expect(value(app, "application_url")).toMatch(/^https?:\/\//);
  });

  it("the app declares the webhooks, compliance topics and POS setting the server expects", () => {
    for (const topic of [
      "customers/create",
      "customers/update",
      "orders/create",
      "orders/updated",
      "orders/cancelled",
      "refunds/create",
      "app/uninstalled",
    ]) {
      expect(app).toContain(`"${topic}"`);
    }
    expect(app).toMatch(/compliance_topics = \["customers\/data_request", "customers\/redact", "shop\/redact"\]/);
    expect(app.match(/uri = "\/webhooks\/shopify"/g)).toHaveLength(2);
    expect(app).toMatch(/\[pos\]\s*\nembedded = false/);
    expect(app).toMatch(/^embedded = true/m);
  });

  it("the extension is on 2026-07 with Preact (no React) and registers its six targets", () => {
    expect(value(extension, "api_version")).toBe("2026-07");
    const targets = [...extension.matchAll(/target = "([^"]+)"/g)].map((m) => m[1]);
    expect(targets).toEqual([
      "pos.home.tile.render",
      "pos.home.modal.render",
      "pos.customer-details.block.render",
      "pos.purchase.post.action.menu-item.render",
      "pos.purchase.post.action.render",
      // API 2026-04 on: the background target replaces pos.transaction-complete.event.observe.
      "pos.app.ready.data",
    ]);
    const pkg = JSON.parse(read("../package.json")) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(pkg.dependencies["@shopify/ui-extensions"]).toMatch(/^2026\.7\.\d+$/);
    expect(pkg.dependencies.preact).toBeDefined();
    for (const gone of ["react", "react-reconciler", "@shopify/ui-extensions-react"]) {
      expect(pkg.dependencies[gone] ?? pkg.devDependencies[gone]).toBeUndefined();
    }
  });
});
