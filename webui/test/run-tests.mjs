#!/usr/bin/env node
// Component tests in a real headless Chromium: starts Vite's dev server (it compiles the TypeScript),
// opens test/harness.html?file=<test> for every src/**/*.test.ts in its own page, and reports.
//
// Browser: $KILN_CHROMIUM, else /usr/bin/chromium (Debian's package), driven by playwright-core,
// which never downloads a browser. Without one the tests are skipped, unless CI=true: then they fail.
//
//   npm test                 all tests
//   npm test -- dag          only test files whose path contains "dag"
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const filters = process.argv.slice(2);
const ci = process.env.CI === 'true';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function findChromium() {
  // An explicit KILN_CHROMIUM wins; when it names nothing, there is no browser (no silent fallback).
  const candidates = process.env.KILN_CHROMIUM
    ? [process.env.KILN_CHROMIUM]
    : ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  return candidates.find((p) => existsSync(p)) ?? null;
}

const executablePath = findChromium();
if (!executablePath) {
  const msg = 'No Chromium found (set KILN_CHROMIUM, or install Debian\'s package: apt-get install chromium).';
  if (ci) {
    console.error(`FAILED: ${msg} CI=true, so browser tests may not be skipped.`);
    process.exit(1);
  }
  console.warn(`SKIPPED web UI component tests: ${msg}`);
  process.exit(0);
}

const files = readdirSync(join(root, 'src'), { recursive: true })
  .map((f) => join('src', String(f)))
  .filter((f) => f.endsWith('.test.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .map((f) => `/${f.split(sep).join('/')}`)
  .sort();

const server = await createServer({
  root,
  logLevel: 'warn',
  clearScreen: false,
  server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, watch: null },
  // Pre-bundle everything the tests import up front: a re-optimisation mid-run would reload pages.
  optimizeDeps: { entries: ['test/harness.ts', ...files.map((f) => f.slice(1))] },
});
await server.listen();
const address = server.httpServer.address();
const base = `http://127.0.0.1:${address.port}`;

const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
let failed = 0;
let passed = 0;
const started = Date.now();
try {
  for (const file of files) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = [];
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      const t = msg.text();
      if (msg.type() === 'error' && !/Failed to load resource/.test(t)) problems.push(`console.error: ${t}`);
      // Lit's dev-mode warnings flag real mistakes (e.g. an update scheduled after an update completed).
      if (msg.type() === 'warning' && !/Lit is in dev mode|Multiple versions of Lit/.test(t)) problems.push(`console.warn: ${t}`);
    });
    await page.goto(`${base}/test/harness.html?file=${encodeURIComponent(file)}`);
    await page.waitForFunction(() => window.__kilnTests?.done === true, null, { timeout: 120_000 });
    const report = await page.evaluate(() => window.__kilnTests);
    console.log(`\n${relative('/', file)}`);
    if (report.loadError) {
      failed++;
      console.log(`  ✗ could not load: ${report.loadError}`);
    }
    for (const r of report.results) {
      if (r.ok) {
        passed++;
        console.log(`  ✓ ${r.name} (${Math.round(r.ms)} ms)`);
      } else {
        failed++;
        console.log(`  ✗ ${r.name}\n      ${r.error.split('\n').join('\n      ')}`);
      }
    }
    if (problems.length) {
      failed++;
      console.log(`  ✗ the page reported problems:\n      ${problems.join('\n      ')}`);
    }
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(`\n${passed} passed, ${failed} failed, ${files.length} files, ${((Date.now() - started) / 1000).toFixed(1)} s (Chromium: ${executablePath})`);
if (files.length === 0) {
  console.error('No test files matched.');
  process.exit(1);
}
process.exit(failed ? 1 : 0);
