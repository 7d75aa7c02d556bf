import type { Status, Verdict } from './types.js';

/** How a status looks: a word, a symbol and a colour, so colour is never the only signal. */
export interface Look {
  label: string;
  icon: string;
  /** A CSS custom property set in index.html. */
  color: string;
  soft: string;
}

export const STATUS_LOOK: Record<Status | 'waiting', Look> = {
  waiting: { label: 'waiting', icon: '○', color: 'var(--kiln-pending)', soft: 'var(--kiln-pending-soft)' },
  pending: { label: 'pending', icon: '○', color: 'var(--kiln-pending)', soft: 'var(--kiln-pending-soft)' },
  running: { label: 'running', icon: '▶', color: 'var(--kiln-running)', soft: 'var(--kiln-running-soft)' },
  completed: { label: 'completed', icon: '✓', color: 'var(--kiln-ok)', soft: 'var(--kiln-ok-soft)' },
  failed: { label: 'failed', icon: '✕', color: 'var(--kiln-bad)', soft: 'var(--kiln-bad-soft)' },
  cancelled: { label: 'cancelled', icon: '⊘', color: 'var(--kiln-cancelled)', soft: 'var(--kiln-cancelled-soft)' },
};

export const VERDICT_LOOK: Record<Verdict, Look & { meaning: string }> = {
  PASS: { label: 'PASS', icon: '✓', color: 'var(--kiln-ok)', soft: 'var(--kiln-ok-soft)',
    meaning: 'no outliers and every sensor stable' },
  WARNING: { label: 'WARNING', icon: '!', color: 'var(--kiln-warn)', soft: 'var(--kiln-warn-soft)',
    meaning: 'outliers or unstable sensors' },
  FAIL: { label: 'FAIL', icon: '✕', color: 'var(--kiln-bad)', soft: 'var(--kiln-bad-soft)',
    meaning: 'outliers and unstable sensors' },
};

export function statusLook(status: string | null | undefined): Look {
  return STATUS_LOOK[(status ?? 'waiting') as Status] ?? STATUS_LOOK.waiting;
}

export function verdictLook(verdict: string | null | undefined) {
  return verdict && verdict in VERDICT_LOOK ? VERDICT_LOOK[verdict as Verdict] : null;
}
