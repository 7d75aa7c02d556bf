/** The shapes of Kiln's HTTP API, as the UI reads them (see WorkflowRoutes.java and ReadStore.java). */

export const STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
export type Status = (typeof STATUSES)[number];
export const TERMINAL: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);

export type Verdict = 'PASS' | 'WARNING' | 'FAIL';

export interface TaskState {
  task_type: string;
  task_status: Status;
  attempts: number;
  max_attempts: number;
  error: string | null;
  depends_on: string[];
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  next_attempt_at: string | null;
}

export interface WorkflowStatus {
  workflow_id: number;
  workflow_type: string;
  status: Status;
  error: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  tasks: TaskState[];
}

/** One row of task_history as the event streams send it. task_type is null for workflow-level events. */
export interface HistoryEvent {
  id: number;
  workflow_id: number;
  task_type: string | null;
  from: Status | null;
  to: Status;
  attempt: number | null;
  detail: string | null;
  at: string | null;
}

export interface TaskSpec {
  task_type: string;
  depends_on: string[];
  max_attempts: number;
  timeout_s: number | null;
  params: Record<string, unknown>;
}

export interface WorkflowType {
  workflow_type: string;
  description: string | null;
  tasks: TaskSpec[];
  edges: { from: string; to: string }[];
  result_of: string[];
}

export interface OutlierEntry {
  sensor_id?: string;
  part_id?: string;
  dimension?: string;
  kind: 'sensor' | 'measurement';
  outliers: number[];
  indexes: number[];
  mean: number;
  std: number;
  n: number;
}

export interface TrendEntry {
  sensor_id: string;
  slope: number;
  intercept: number;
  r_squared: number;
  n: number;
  p_value: number | null;
  direction: 'increasing' | 'decreasing' | 'stable';
}

export interface SkippedEntry {
  sensor_id?: string;
  part_id?: string;
  dimension?: string;
  kind: string;
  reason: string;
  n: number;
}

/** The verdict task's output, the result of the built-in manufacturing_analysis workflow. */
export interface VerdictResult {
  verdict: Verdict;
  summary: string;
  outliers: OutlierEntry[];
  trends: TrendEntry[];
  has_critical_outliers: boolean;
  unstable_sensors: string[];
  total_flagged: number;
  skipped?: Record<string, SkippedEntry[]>;
  [more: string]: unknown;
}

export interface ResultsResponse {
  workflow_id: number;
  workflow_type: string;
  status: Status;
  result: unknown;
  error?: string | null;
  finished_at: string | null;
}

export interface WorkflowSummary {
  workflow_id: number;
  workflow_type: string;
  status: Status;
  error: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  verdict: Verdict | null;
}

export interface WorkflowPage {
  workflows: WorkflowSummary[];
  next_cursor: number | null;
}

export interface LogLine {
  attempt: number;
  level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  message: string;
  at: string;
}

export interface SensorSeries {
  sensor_id: string;
  values: number[];
}

export interface MeasurementSeries {
  part_id: string;
  dimension: string;
  values: number[];
}

/** A workflow's input as submitted: what the charts draw. */
export interface WorkflowInputData {
  sensor_readings: SensorSeries[];
  measurements: MeasurementSeries[];
  metadata?: Record<string, unknown>;
}

export interface ApiErrorBody {
  error: string;
  field?: string;
  message?: string;
  status?: string;
}

export function isVerdictResult(r: unknown): r is VerdictResult {
  return typeof r === 'object' && r !== null && typeof (r as VerdictResult).verdict === 'string'
    && Array.isArray((r as VerdictResult).outliers) && Array.isArray((r as VerdictResult).trends);
}
