// Builds the web front end into web/dist, which `npm start` (and CloudFront in AWS) serves beside the API.
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', reportCompressedSize: true },
  // `vite` in web/ for live editing, with the API of a running `npm start` behind it.
  server: { proxy: { '/v1': `http://127.0.0.1:${process.env.API_PORT ?? 3000}` } },
});
