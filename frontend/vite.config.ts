/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `npm run dev` proxies the API to a `groundwork serve` on GROUNDWORK_PORT (default 8000).
const api = `http://127.0.0.1:${process.env.GROUNDWORK_PORT ?? "8000"}`;

export default defineConfig({
  plugins: [react()],
  server: { proxy: { "/api": { target: api, changeOrigin: false } } },
  build: { outDir: "dist", sourcemap: true, chunkSizeWarningLimit: 1000 },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
