import { describe, expect, it } from "vitest";
import { parseRoute, routePath, type Route } from "./routes";
import { pickDevToken, withoutToken } from "./session";

describe("routes", () => {
  it("parses every page under /admin/", () => {
    expect(parseRoute("/admin/")).toEqual({ page: "dashboard" });
    expect(parseRoute("/admin")).toEqual({ page: "dashboard" });
    expect(parseRoute("/admin/customers")).toEqual({ page: "customers" });
    expect(parseRoute("/admin/agency")).toEqual({ page: "agency" });
    expect(parseRoute("/admin/customers/p%201")).toEqual({ page: "customer", profileId: "p 1" });
    expect(parseRoute("/admin/gdpr", "?profile=x")).toEqual({ page: "gdpr", profileId: "x" });
    expect(parseRoute("/admin/settings/extra")).toEqual({ page: "not_found", path: "/admin/settings/extra" });
  });
  it("builds paths that parse back to the same route", () => {
    const all: Route[] = [
      { page: "dashboard" },
      { page: "customers" },
      { page: "customer", profileId: "a/b" },
      { page: "duplicates" },
      { page: "gdpr", profileId: null },
      { page: "gdpr", profileId: "p1" },
      { page: "settings" },
      { page: "devices" },
      { page: "webhooks" },
      { page: "agency" },
    ];
    for (const r of all) expect(parseRoute(routePath(r))).toEqual(r);
  });
});

describe("dev session token", () => {
  it("prefers ?token= and says to clean the URL", () => {
    expect(pickDevToken({ search: "?token=abc&x=1", stored: "old" })).toEqual({ token: "abc", fromUrl: true });
    expect(pickDevToken({ search: "", stored: " old " })).toEqual({ token: "old", fromUrl: false });
    expect(pickDevToken({ search: "?token=", stored: null })).toEqual({ token: null, fromUrl: false });
    expect(withoutToken("?token=abc&x=1")).toBe("?x=1");
    expect(withoutToken("?token=abc")).toBe("");
  });
});
