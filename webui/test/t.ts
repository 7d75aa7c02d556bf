/**
 * A tiny test API for component tests that run in a real Chromium (see run-tests.mjs): test files
 * register cases with `test`, the harness page runs them in order and reports to the runner.
 */
import { render, type TemplateResult } from 'lit';

type Fn = () => void | Promise<void>;
interface Case {
  name: string;
  fn: Fn;
}

const cases: Case[] = [];
const cleanups: (() => void)[] = [];

export function test(name: string, fn: Fn): void {
  cases.push({ name, fn });
}

/** Runs after the current test, pass or fail. */
export function afterThis(fn: () => void): void {
  cleanups.push(fn);
}

export interface CaseResult {
  name: string;
  ok: boolean;
  error?: string;
  ms: number;
}

export async function runAll(): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    const started = performance.now();
    try {
      await Promise.race([
        c.fn(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 10 s')), 10_000)),
      ]);
      results.push({ name: c.name, ok: true, ms: performance.now() - started });
    } catch (err) {
      const e = err as Error;
      results.push({ name: c.name, ok: false, error: `${e.message}\n${e.stack ?? ''}`, ms: performance.now() - started });
    } finally {
      while (cleanups.length) {
        try {
          cleanups.pop()!();
        } catch {
          // keep cleaning
        }
      }
      document.body.replaceChildren();
    }
  }
  return results;
}

/** Renders a template into a fresh container in the page and waits for its first element to update. */
export async function fixture<T extends HTMLElement>(template: TemplateResult, width?: number): Promise<T> {
  const host = document.createElement('div');
  if (width) host.style.width = `${width}px`;
  document.body.append(host);
  render(template, host);
  const el = host.firstElementChild as T;
  await settle(el);
  return el;
}

/** Waits until an element (and its Lit children) finished updating. */
export async function settle(el: Element): Promise<void> {
  for (let i = 0; i < 5; i++) {
    const pending = (el as unknown as { updateComplete?: Promise<boolean> }).updateComplete;
    if (pending) await pending;
    await new Promise((r) => requestAnimationFrame(() => r(null)));
  }
}

export async function waitFor<T>(what: string, probe: () => T | null | undefined | false, timeoutMs = 4000): Promise<T> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (performance.now() > until) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

/** Query through shadow roots: `deep(el, 'kiln-dag', 'g.node')`. */
export function deep<E extends Element = Element>(root: Element | Document, ...selectors: string[]): E | null {
  let cur: Element | Document | ShadowRoot | null = root;
  for (const s of selectors) {
    if (!cur) return null;
    const scope: Element | Document | ShadowRoot = cur instanceof Element && cur.shadowRoot ? cur.shadowRoot : cur;
    cur = scope.querySelector(s);
  }
  return cur as E | null;
}

export function deepAll<E extends Element = Element>(root: Element, ...selectors: string[]): E[] {
  const last = selectors.pop()!;
  const parent = selectors.length ? deep(root, ...selectors) : root;
  if (!parent) return [];
  const scope = parent.shadowRoot ?? parent;
  return [...scope.querySelectorAll<E>(last)];
}

export function text(el: Element | null | undefined): string {
  if (!el) return '';
  const parts: string[] = [];
  const walk = (n: Node) => {
    if (n.nodeType === Node.TEXT_NODE) parts.push(n.textContent ?? '');
    if (n instanceof Element && n.shadowRoot) n.shadowRoot.childNodes.forEach(walk);
    n.childNodes.forEach(walk);
  };
  walk(el);
  return parts.join('').replace(/\s+/g, ' ').trim();
}

class AssertionError extends Error {}

interface Asserts {
  ok(value: unknown, message?: string): asserts value;
  equal<T>(actual: T, expected: T, message?: string): void;
  deepEqual(actual: unknown, expected: unknown, message?: string): void;
  includes(haystack: string, needle: string, message?: string): void;
  close(actual: number, expected: number, tolerance: number, message?: string): void;
}

export const assert: Asserts = {
  ok(value: unknown, message = 'expected a truthy value'): asserts value {
    if (!value) throw new AssertionError(message);
  },
  equal<T>(actual: T, expected: T, message = ''): void {
    if (!Object.is(actual, expected)) {
      throw new AssertionError(`${message ? `${message}: ` : ''}expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    }
  },
  deepEqual(actual: unknown, expected: unknown, message = ''): void {
    const a = JSON.stringify(actual);
    const e = JSON.stringify(expected);
    if (a !== e) throw new AssertionError(`${message ? `${message}: ` : ''}expected ${e}, got ${a}`);
  },
  includes(haystack: string, needle: string, message = ''): void {
    if (!haystack.includes(needle)) {
      throw new AssertionError(`${message ? `${message}: ` : ''}expected ${JSON.stringify(haystack.slice(0, 400))} to include ${JSON.stringify(needle)}`);
    }
  },
  close(actual: number, expected: number, tolerance: number, message = ''): void {
    if (!(Math.abs(actual - expected) <= tolerance)) {
      throw new AssertionError(`${message ? `${message}: ` : ''}expected ${expected} ± ${tolerance}, got ${actual}`);
    }
  },
};
