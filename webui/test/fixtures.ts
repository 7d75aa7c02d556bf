import type { ResultsResponse, Status, TaskState, WorkflowStatus, WorkflowType } from '../src/lib/types.js';

export const SPEC: WorkflowType = {
  workflow_type: 'manufacturing_analysis',
  description: 'Flags outlying readings and measurements, fits a trend per sensor, and gives a verdict.',
  tasks: [
    { task_type: 'detect_outliers', depends_on: [], max_attempts: 3, timeout_s: 300, params: { sigma: 2 } },
    { task_type: 'analyze_trends', depends_on: [], max_attempts: 3, timeout_s: 300, params: { slope_threshold: 0.01 } },
    { task_type: 'synthesize', depends_on: ['detect_outliers', 'analyze_trends'], max_attempts: 3, timeout_s: 300, params: {} },
    { task_type: 'verdict', depends_on: ['synthesize'], max_attempts: 3, timeout_s: 300, params: {} },
  ],
  edges: [
    { from: 'detect_outliers', to: 'synthesize' },
    { from: 'analyze_trends', to: 'synthesize' },
    { from: 'synthesize', to: 'verdict' },
  ],
  result_of: ['verdict'],
};

export function task(task_type: string, task_status: Status, extra: Partial<TaskState> = {}): TaskState {
  const spec = SPEC.tasks.find((t) => t.task_type === task_type);
  return {
    task_type, task_status, attempts: task_status === 'pending' ? 0 : 1, max_attempts: 3, error: null,
    depends_on: spec?.depends_on ?? [], started_at: null, finished_at: null, duration_ms: null, next_attempt_at: null,
    ...extra,
  };
}

export function status(id: number, s: Status, tasks: TaskState[] = []): WorkflowStatus {
  return {
    workflow_id: id, workflow_type: 'manufacturing_analysis', status: s, error: null,
    created_at: new Date().toISOString(), updated_at: new Date().toISOString(), started_at: null, finished_at: null,
    duration_ms: null, tasks,
  };
}

export const allPending = (id: number) => status(id, 'running', SPEC.tasks.map((t) => task(t.task_type, 'pending')));

export function verdictResults(id: number): ResultsResponse {
  return {
    workflow_id: id, workflow_type: 'manufacturing_analysis', status: 'completed', finished_at: new Date().toISOString(),
    result: {
      verdict: 'FAIL',
      summary: 'Outliers: 2, Unstable sensors: 1',
      outliers: [
        { sensor_id: 'pressure_1', kind: 'sensor', outliers: [103.9, 99.1], indexes: [3, 8], mean: 101.3, std: 0.6, n: 12 },
        { part_id: 'P1002', dimension: 'height', kind: 'measurement', outliers: [25.17], indexes: [2], mean: 25.02, std: 0.05, n: 6 },
      ],
      trends: [
        { sensor_id: 'temp_2', slope: 0.5, intercept: 70, r_squared: 0.97, n: 12, p_value: 0.00001, direction: 'increasing' },
        { sensor_id: 'pressure_1', slope: -0.001, intercept: 101.3, r_squared: 0.01, n: 12, p_value: 0.8, direction: 'stable' },
      ],
      has_critical_outliers: true,
      unstable_sensors: ['temp_2'],
      total_flagged: 2,
      skipped: { detect_outliers: [], analyze_trends: [] },
    },
  };
}

export const INPUT = {
  sensor_readings: [
    { sensor_id: 'temp_2', values: [70, 70.6, 71, 71.4, 72.1, 72.5, 73, 73.4, 74.1, 74.5, 75, 75.6] },
    { sensor_id: 'pressure_1', values: [101.3, 101.2, 101.4, 103.9, 101.3, 101.2, 101.3, 101.4, 99.1, 101.3, 101.2, 101.3] },
  ],
  measurements: [
    { part_id: 'P1002', dimension: 'height', values: [25.0, 25.01, 25.17, 24.99, 25.0, 25.01] },
  ],
  metadata: {},
};
