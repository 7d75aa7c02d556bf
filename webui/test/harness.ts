// Loads the test file named in ?file=, runs its cases and leaves the results for the runner.
import { runAll, type CaseResult } from './t.js';

declare global {
  interface Window {
    __kilnTests?: { done: boolean; results: CaseResult[]; loadError?: string };
  }
}

const file = new URLSearchParams(location.search).get('file');
window.__kilnTests = { done: false, results: [] };
try {
  if (!file) throw new Error('no ?file=');
  await import(/* @vite-ignore */ file);
  window.__kilnTests = { done: true, results: await runAll() };
} catch (err) {
  window.__kilnTests = { done: true, results: [], loadError: String((err as Error).stack ?? err) };
}
