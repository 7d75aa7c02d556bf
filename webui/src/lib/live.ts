import type { HistoryEvent } from './types.js';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface LiveStreamOptions {
  url: string;
  onEvent: (event: HistoryEvent) => void;
  onState?: (state: ConnectionState) => void;
  /** Called when a connection opens; resumed is true after a drop the browser could not heal itself. */
  onOpen?: (resumed: boolean) => void;
  /** Return true to stop listening after this event (e.g. the workflow's terminal event). */
  closeAfter?: (event: HistoryEvent) => boolean;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * An EventSource over one of Kiln's SSE endpoints (events named "workflow" and "task"). The browser
 * reconnects by itself after a dropped connection and sends Last-Event-ID, so the server resends what
 * was missed; when the browser gives up (an HTTP error while reconnecting) this opens a fresh
 * EventSource with backoff. Events are handed on once each, in id order: replays that overlap what
 * was already seen are skipped by id.
 */
export class LiveStream {
  private source: EventSource | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private dropped = false;
  private closed = false;
  /** The highest event id handed on. */
  lastId = 0;

  constructor(private readonly options: LiveStreamOptions) {}

  open(): this {
    this.closed = false;
    this.connect();
    return this;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    if (this.source) {
      this.source.close();
      this.source = null;
    }
    this.options.onState?.('closed');
  }

  private connect(): void {
    this.options.onState?.(this.failures === 0 && !this.dropped ? 'connecting' : 'reconnecting');
    const source = new EventSource(this.options.url);
    this.source = source;
    const onMessage = (msg: MessageEvent<string>) => this.receive(source, msg);
    source.addEventListener('workflow', onMessage as EventListener);
    source.addEventListener('task', onMessage as EventListener);
    source.addEventListener('open', () => {
      if (this.source !== source) return;
      const resumed = this.dropped;
      this.failures = 0;
      this.dropped = false;
      this.options.onState?.('live');
      this.options.onOpen?.(resumed);
    });
    source.addEventListener('error', () => {
      if (this.source !== source || this.closed) return;
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (an HTTP error status, e.g. a restarting server answered 503): start over.
        source.close();
        this.source = null;
        this.dropped = true;
        const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.failures++);
        this.options.onState?.('reconnecting');
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          if (!this.closed) this.connect();
        }, delay);
      } else {
        // The browser is reconnecting with Last-Event-ID by itself.
        this.options.onState?.('reconnecting');
      }
    });
  }

  private receive(source: EventSource, msg: MessageEvent<string>): void {
    if (this.source !== source || this.closed) return;
    let event: HistoryEvent;
    try {
      event = JSON.parse(msg.data) as HistoryEvent;
    } catch {
      return;
    }
    if (typeof event.id !== 'number' || event.id <= this.lastId) return;
    this.lastId = event.id;
    this.options.onEvent(event);
    if (!this.closed && this.options.closeAfter?.(event)) {
      this.close();
    }
  }
}
