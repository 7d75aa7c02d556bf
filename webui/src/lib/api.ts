import type {
  ApiErrorBody, LogLine, ResultsResponse, Status, WorkflowInputData, WorkflowPage, WorkflowStatus, WorkflowType,
} from './types.js';

/**
 * Thin fetch wrappers over Kiln's API. Paths are relative, so the UI works wherever the API serves
 * it (at / or behind a proxy prefix). Every read takes an AbortSignal: callers abort what they no
 * longer need and drop stale answers.
 */

/** A refusal from Kiln (4xx/5xx), with its JSON body when there is one. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly body: ApiErrorBody | null, message: string) {
    super(message);
    this.name = 'ApiError';
  }

  /** The input field Kiln names, e.g. "sensor_readings[3].values[17]" (null when none). */
  get field(): string | null {
    return this.body?.field ?? null;
  }
}

/** The API could not be reached at all (server down, network gone). */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('Kiln cannot be reached. Check that it is running; the page retries when you act again.');
    this.name = 'NetworkError';
    this.cause = cause;
  }
}

export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

/** Optional bearer token (KILN_API_TOKEN) kept in this browser; EventSource cannot send it. */
function authHeaders(): Record<string, string> {
  try {
    const token = globalThis.localStorage?.getItem('kiln.apiToken');
    return token ? { Authorization: `Bearer ${token}` } : {};
  } catch {
    return {};
  }
}

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      ...init,
      headers: { Accept: 'application/json', ...authHeaders(), ...(init.headers as Record<string, string> | undefined) },
    });
  } catch (err) {
    if (isAbort(err)) {
      throw err;
    }
    throw new NetworkError(err);
  }
  const text = await res.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!res.ok) {
    const errBody = body && typeof body === 'object' ? (body as ApiErrorBody) : null;
    throw new ApiError(res.status, errBody, describe(res.status, errBody));
  }
  return body as T;
}

function describe(status: number, body: ApiErrorBody | null): string {
  if (body?.message) {
    return body.message;
  }
  switch (status) {
    case 401: return 'Kiln asks for an API token (KILN_API_TOKEN).';
    case 404: return 'Not found.';
    case 413: return 'The input is larger than Kiln accepts.';
    case 503: return 'Kiln\'s database is unavailable; try again shortly.';
    default: return `Kiln answered ${status}${body?.error ? ` (${body.error})` : ''}.`;
  }
}

export type InputFormat = 'json' | 'csv';

export const api = {
  submit(body: string, format: InputFormat, workflowType: string | null, signal?: AbortSignal) {
    const query = workflowType ? `?workflow_type=${encodeURIComponent(workflowType)}` : '';
    return request<{ workflow_id: number }>(`workflow${query}`, {
      method: 'POST',
      body,
      signal,
      headers: { 'Content-Type': format === 'csv' ? 'text/csv' : 'application/json' },
    });
  },
  status(id: number, signal?: AbortSignal) {
    return request<WorkflowStatus>(`status/${id}`, { signal });
  },
  results(id: number, signal?: AbortSignal) {
    return request<ResultsResponse>(`results/${id}`, { signal });
  },
  list(params: { status?: Status | null; limit?: number; cursor?: number | null }, signal?: AbortSignal) {
    const q = new URLSearchParams();
    if (params.status) q.set('status', params.status);
    if (params.limit) q.set('limit', String(params.limit));
    if (params.cursor) q.set('cursor', String(params.cursor));
    const qs = q.toString();
    return request<WorkflowPage>(`workflows${qs ? `?${qs}` : ''}`, { signal });
  },
  cancel(id: number) {
    return request<WorkflowStatus>(`workflows/${id}/cancel`, { method: 'POST' });
  },
  retry(id: number) {
    return request<WorkflowStatus>(`workflows/${id}/retry`, { method: 'POST' });
  },
  /** The input as submitted (a CSV as the JSON it became); large inputs are megabytes. */
  input(id: number, signal?: AbortSignal) {
    return request<WorkflowInputData>(`workflows/${id}/input`, { signal });
  },
  logs(id: number, taskType: string, signal?: AbortSignal) {
    return request<{ workflow_id: number; task_type: string; logs: LogLine[] }>(
      `workflows/${id}/tasks/${encodeURIComponent(taskType)}/logs`, { signal });
  },
  workflowTypes(signal?: AbortSignal) {
    return request<{ workflow_types: WorkflowType[] }>('workflow-types', { signal });
  },
  workflowEventsUrl(id: number) {
    return `workflows/${id}/events`;
  },
  allEventsUrl() {
    return 'events';
  },
};
