import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/** Served by the server at /admin/ with an SPA fallback, so every page is a path under /admin/. */
export default defineConfig({
  base: "/admin/",
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1200 },
  plugins: [react()],
  server: { proxy: { "/api": "http://localhost:8787" } },
});
