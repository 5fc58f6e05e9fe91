// Builds the web app into dist/, which the gateway serves. `npm run dev`
// and `npm run preview` forward /api to a running gateway (PETRADE_URL).
import { defineConfig } from 'vite';

const gateway = process.env.PETRADE_URL || 'http://127.0.0.1:8680';
const proxy = { '/api': { target: gateway, changeOrigin: true } };

export default defineConfig({
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2020' },
  server: { proxy },
  preview: { proxy },
});
