import { Banner, BlockStack, Button, Frame, InlineStack, Navigation, Page, TextField } from "@shopify/polaris";
import { useEffect, useState, type ReactNode } from "react";
import { AgencyPage } from "./pages/Agency";
import { Customer360Page } from "./pages/Customer360";
import { CustomersPage } from "./pages/Customers";
import { DashboardPage } from "./pages/Dashboard";
import { DevicesPage } from "./pages/Devices";
import { DuplicatesPage } from "./pages/Duplicates";
import { GdprPage } from "./pages/Gdpr";
import { SettingsPage } from "./pages/Settings";
import { WebhooksPage } from "./pages/Webhooks";
import { parseRoute, routePath, type Route } from "./routes";
import { embedded, forgetToken, saveToken, storedToken } from "./session";

const NAV: { label: string; route: Route }[] = [
  { label: "Dashboard", route: { page: "dashboard" } },
  { label: "Customers", route: { page: "customers" } },
  { label: "Duplicates", route: { page: "duplicates" } },
  { label: "GDPR", route: { page: "gdpr", profileId: null } },
  { label: "Settings", route: { page: "settings" } },
  { label: "Devices", route: { page: "devices" } },
  { label: "Webhooks", route: { page: "webhooks" } },
  { label: "Agency", route: { page: "agency" } },
];

function useRoute(): Route {
  const read = () => parseRoute(location.pathname, location.search);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    addEventListener("popstate", on);
    return () => removeEventListener("popstate", on);
  }, []);
  return route;
}

function pageFor(route: Route): ReactNode {
  switch (route.page) {
    case "dashboard":
      return <DashboardPage />;
    case "customers":
      return <CustomersPage />;
    case "customer":
      return <Customer360Page key={route.profileId} profileId={route.profileId} />;
    case "duplicates":
      return <DuplicatesPage />;
    case "gdpr":
      return <GdprPage key={route.profileId ?? ""} profileId={route.profileId} />;
    case "settings":
      return <SettingsPage />;
    case "devices":
      return <DevicesPage />;
    case "webhooks":
      return <WebhooksPage />;
    case "agency":
      return <AgencyPage />;
    case "not_found":
      return (
        <Page title="Page not found">
          <Banner tone="warning">There is no admin page at {route.path}.</Banner>
        </Page>
      );
  }
}

/** Standalone development only: the session token is pasted here or given once as `?token=`. */
function TokenBox({ onChange }: { onChange: () => void }) {
  const [value, setValue] = useState("");
  const has = storedToken() !== null;
  if (embedded()) return null;
  if (has) {
    return (
      <InlineStack align="end">
        <Button
          variant="plain"
          onClick={() => {
            forgetToken();
            onChange();
          }}
        >
          Forget session token
        </Button>
      </InlineStack>
    );
  }
  return (
    <Banner tone="info" title="Paste a session token">
      <BlockStack gap="200">
        <p>
          Outside Shopify admin the app needs a session token: the server prints a dev token when started with --demo.
        </p>
        <InlineStack gap="200" blockAlign="end">
          <div style={{ minWidth: 360 }}>
            <TextField
              label="Session token"
              labelHidden
              value={value}
              onChange={setValue}
              autoComplete="off"
              placeholder="eyJ…"
            />
          </div>
          <Button
            variant="primary"
            disabled={!value.trim()}
            onClick={() => {
              saveToken(value);
              onChange();
            }}
          >
            Use token
          </Button>
        </InlineStack>
      </BlockStack>
    </Banner>
  );
}

export function App() {
  const route = useRoute();
  const [session, setSession] = useState(0);
  const current = routePath(
    route.page === "customer"
      ? { page: "customers" }
      : route.page === "gdpr"
        ? { page: "gdpr", profileId: null }
        : route,
  );
  const navigation = (
    <Navigation location={current}>
      <Navigation.Section
        items={NAV.map((n) => ({
          label: n.label,
          url: routePath(n.route),
          selected: routePath(n.route) === current,
        }))}
      />
    </Navigation>
  );
  return (
    <Frame navigation={navigation}>
      <div key={session}>
        <div style={{ padding: "12px 16px 0" }}>
          <TokenBox onChange={() => setSession((s) => s + 1)} />
        </div>
        {pageFor(route)}
      </div>
    </Frame>
  );
}
