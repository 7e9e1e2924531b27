import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { registerSW } from "virtual:pwa-register";
import { App } from "./App";
import { createServices, requestPersistentStorage } from "./services";
import { ServicesContext } from "./use-sync";
import "./styles.css";

registerSW({ immediate: true });
void requestPersistentStorage();

const services = createServices();
const queryClient = new QueryClient();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <ServicesContext.Provider value={services}>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </ServicesContext.Provider>
  </StrictMode>,
);
