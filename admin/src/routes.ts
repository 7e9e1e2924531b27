/** The admin's pages as paths under /admin/; parsing is pure so links and the back button agree. */
export type Route =
  | { page: "dashboard" }
  | { page: "customers" }
  | { page: "customer"; profileId: string }
  | { page: "duplicates" }
  | { page: "gdpr"; profileId: string | null }
  | { page: "settings" }
  | { page: "devices" }
  | { page: "webhooks" }
  | { page: "agency" }
  | { page: "not_found"; path: string };

export const BASE = "/admin";

export function parseRoute(pathname: string, search = ""): Route {
  const path = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const [first, second] = parts;
  if (!first) return { page: "dashboard" };
  if (first === "customers" && second) return { page: "customer", profileId: second };
  if (first === "gdpr") return { page: "gdpr", profileId: second ?? new URLSearchParams(search).get("profile") };
  if (parts.length === 1 && ["customers", "duplicates", "settings", "devices", "webhooks", "agency"].includes(first)) {
    return { page: first as "customers" | "duplicates" | "settings" | "devices" | "webhooks" | "agency" };
  }
  return { page: "not_found", path: pathname };
}

export function routePath(route: Route): string {
  switch (route.page) {
    case "dashboard":
      return `${BASE}/`;
    case "customer":
      return `${BASE}/customers/${encodeURIComponent(route.profileId)}`;
    case "gdpr":
      return route.profileId ? `${BASE}/gdpr/${encodeURIComponent(route.profileId)}` : `${BASE}/gdpr`;
    case "not_found":
      return route.path;
    default:
      return `${BASE}/${route.page}`;
  }
}
