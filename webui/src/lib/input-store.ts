import type { WorkflowInputData } from './types.js';

/**
 * Workflow inputs by id: the ones this tab submitted, and the ones read back from the API
 * (GET /workflows/{id}/input), so reopening a run does not fetch megabytes again. Kept in memory,
 * and in sessionStorage when small enough, so a reload of the same tab still draws them.
 */
const memory = new Map<number, WorkflowInputData>();
const KEY = (id: number) => `kiln.input.${id}`;
const MAX_STORED_CHARS = 2_000_000;

export function rememberInput(id: number, input: WorkflowInputData): void {
  memory.set(id, input);
  try {
    const text = JSON.stringify(input);
    if (text.length <= MAX_STORED_CHARS) sessionStorage.setItem(KEY(id), text);
  } catch {
    // storage full or disabled: memory only
  }
}

export function recallInput(id: number): WorkflowInputData | null {
  const hit = memory.get(id);
  if (hit) return hit;
  try {
    const text = sessionStorage.getItem(KEY(id));
    if (text) {
      const input = JSON.parse(text) as WorkflowInputData;
      memory.set(id, input);
      return input;
    }
  } catch {
    // ignore
  }
  return null;
}

/** Forgets every input, in memory and in this tab's sessionStorage. */
export function forgetInputs(): void {
  memory.clear();
  try {
    for (const key of Object.keys(sessionStorage)) {
      if (key.startsWith('kiln.input.')) sessionStorage.removeItem(key);
    }
  } catch {
    // storage disabled: nothing kept there
  }
}
