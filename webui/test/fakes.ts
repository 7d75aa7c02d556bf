/**
 * Stand-ins for the network in component tests: a scripted fetch and an EventSource the test drives.
 * Both are installed on window for one test (afterThis restores the real ones).
 */
import { afterThis } from './t.js';

export interface FetchCall {
  method: string;
  url: string;
  body: string | null;
  headers: Record<string, string>;
}

type Responder = (call: FetchCall) => { status?: number; body: unknown; delayMs?: number } | Promise<{ status?: number; body: unknown; delayMs?: number }>;

/** Routes: "METHOD path-regex" → responder. Unmatched calls answer 404. Returns the calls made. */
export function mockFetch(routes: Record<string, Responder>): FetchCall[] {
  const calls: FetchCall[] = [];
  const real = window.fetch;
  window.fetch = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), location.href);
    const call: FetchCall = {
      method: (init.method ?? 'GET').toUpperCase(),
      url: url.pathname.replace(/^.*?\/(?=(workflow|status|results|workflows|workflow-types|events)\b)/, '/') + url.search,
      body: typeof init.body === 'string' ? init.body : null,
      headers: (init.headers ?? {}) as Record<string, string>,
    };
    calls.push(call);
    const signal = init.signal;
    for (const [key, responder] of Object.entries(routes)) {
      const [method, pattern] = key.split(' ');
      if (method === call.method && new RegExp(`^${pattern}$`).test(call.url)) {
        const r = await responder(call);
        if (r.delayMs) {
          await new Promise<void>((resolve, reject) => {
            const t = setTimeout(resolve, r.delayMs);
            signal?.addEventListener('abort', () => {
              clearTimeout(t);
              reject(new DOMException('aborted', 'AbortError'));
            });
          });
        }
        if (signal?.aborted) throw new DOMException('aborted', 'AbortError');
        return new Response(JSON.stringify(r.body), { status: r.status ?? 200, headers: { 'Content-Type': 'application/json' } });
      }
    }
    return new Response(JSON.stringify({ error: 'not_found', message: `no mock for ${call.method} ${call.url}` }), { status: 404 });
  }) as typeof fetch;
  afterThis(() => {
    window.fetch = real;
  });
  return calls;
}

export class FakeEventSource extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static instances: FakeEventSource[] = [];

  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSED = 2;
  readyState = 0;
  readonly url: string;
  withCredentials = false;
  onopen = null;
  onmessage = null;
  onerror = null;

  constructor(url: string | URL) {
    super();
    this.url = String(url);
    FakeEventSource.instances.push(this);
  }

  /** The server accepted the connection. */
  open(): void {
    this.readyState = 1;
    this.dispatchEvent(new Event('open'));
  }

  /** The server sent one event (name "workflow" or "task", like Kiln). */
  emit(data: { id: number; task_type: string | null }): void {
    this.dispatchEvent(new MessageEvent(data.task_type === null ? 'workflow' : 'task', {
      data: JSON.stringify(data), lastEventId: String(data.id),
    }));
  }

  /** The connection dropped; `fatal` = the browser gives up (readyState CLOSED). */
  drop(fatal = false): void {
    this.readyState = fatal ? 2 : 0;
    this.dispatchEvent(new Event('error'));
  }

  close(): void {
    this.readyState = 2;
  }

  get closed(): boolean {
    return this.readyState === 2;
  }
}

export function mockEventSource(): typeof FakeEventSource {
  const real = window.EventSource;
  FakeEventSource.instances = [];
  (window as unknown as { EventSource: unknown }).EventSource = FakeEventSource;
  afterThis(() => {
    (window as unknown as { EventSource: unknown }).EventSource = real;
  });
  return FakeEventSource;
}

let nextId = 1;
/** A history event as Kiln streams it. */
export function ev(workflowId: number, taskType: string | null, from: string | null, to: string,
  extra: { attempt?: number; detail?: string | null; id?: number; at?: string } = {}) {
  return {
    id: extra.id ?? nextId++,
    workflow_id: workflowId,
    task_type: taskType,
    from,
    to,
    attempt: extra.attempt ?? (taskType ? 1 : null),
    detail: extra.detail ?? null,
    at: extra.at ?? new Date().toISOString(),
  };
}
