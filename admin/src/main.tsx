import "@shopify/polaris/build/esm/styles.css";
import "@shopify/polaris-viz/build/esm/styles.css";
import { AppProvider } from "@shopify/polaris";
import { PolarisVizProvider } from "@shopify/polaris-viz";
import en from "@shopify/polaris/locales/en.json";
import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { makeQueryClient } from "./queries";
import { captureDevToken } from "./session";
import { AdminLink } from "./ui";

captureDevToken();
const queryClient = makeQueryClient();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <AppProvider i18n={en} linkComponent={AdminLink}>
        <PolarisVizProvider>
          <App />
        </PolarisVizProvider>
      </AppProvider>
    </QueryClientProvider>
  </StrictMode>,
);
