import { defineConfig } from 'vite';

// The API serves the built files from webroot/ (see api/pom.xml); during `npm run dev` the API
// calls are proxied to a Kiln running on KILN_URL (default http://127.0.0.1:8080).
const kiln = process.env.KILN_URL ?? 'http://127.0.0.1:8080';
const apiPaths = ['/workflow', '/status', '/results', '/workflows', '/workflow-types', '/events', '/health', '/ready'];

export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    proxy: Object.fromEntries(apiPaths.map((p) => [p, { target: kiln, changeOrigin: false }])),
  },
});
