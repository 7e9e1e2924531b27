import "@shopify/polaris/build/esm/styles.css";
import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { captureDevToken } from "./session";
import { AdminLink } from "./ui";

captureDevToken();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <AppProvider i18n={en} linkComponent={AdminLink}>
      <App />
    </AppProvider>
  </StrictMode>,
);
