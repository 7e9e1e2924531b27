import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";

/**
 * Served by the server at /companion/; the service worker precaches the whole shell so a reload offline opens the app.
 */
export default defineConfig({
  base: "/companion/",
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
  plugins: [
    react(),
    VitePWA({
      registerType: "autoUpdate",
      injectRegister: false,
      scope: "/companion/",
      includeAssets: ["icons/*.png"],
      manifest: {
        id: "/companion/",
        name: "Customer 360 Companion",
        short_name: "C360",
        description: "Sign customers up, capture consent and log visits in store, with or without a network.",
        start_url: "/companion/",
        scope: "/companion/",
        display: "standalone",
        orientation: "any",
        background_color: "#ffffff",
        theme_color: "#1f4e79",
        icons: [
          { src: "icons/icon-192.png", sizes: "192x192", type: "image/png" },
          { src: "icons/icon-512.png", sizes: "512x512", type: "image/png" },
          { src: "icons/icon-512-maskable.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
        ],
      },
      workbox: {
        globPatterns: ["**/*.{js,css,html,png,svg,webmanifest}"],
        navigateFallback: "/companion/index.html",
        navigateFallbackAllowlist: [/^\/companion\//],
        // The API is never cached by the worker: offline data lives in IndexedDB, not in HTTP caches.
        navigateFallbackDenylist: [/^\/api\//],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
});
