import { defineConfig } from "vitest/config";

// Built into dist/, which crates/yiwang-server/build.rs embeds in the binary. Everything is
// served by yiwang itself: no CDN, no remote fonts, tiles or styles.
export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2048,
    sourcemap: false,
  },
  server: {
    // `npm run dev` proxies the API to a running `yiwang serve` on 8080.
    proxy: { "/api": "http://127.0.0.1:8080", "/tiles": "http://127.0.0.1:8080", "/healthz": "http://127.0.0.1:8080" },
  },
  test: { environment: "node", include: ["src/**/*.test.ts"] },
});
