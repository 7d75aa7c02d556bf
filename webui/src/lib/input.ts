import type { InputFormat } from './api.js';
import type { MeasurementSeries, SensorSeries, WorkflowInputData } from './types.js';

/** JSON when it looks like an object, CSV otherwise (Kiln's long format kind,id,dimension,value). */
export function detectFormat(text: string): InputFormat {
  const first = text.trimStart()[0];
  return first === '{' || first === '[' || first === undefined ? 'json' : 'csv';
}

export function formatOfFile(name: string, type: string, text: string): InputFormat {
  if (/\.csv$/i.test(name) || type === 'text/csv') return 'csv';
  if (/\.json$/i.test(name) || type === 'application/json') return 'json';
  return detectFormat(text);
}

/**
 * The series of an input Kiln accepted, for drawing. Lenient (Kiln already validated it): anything
 * unexpected gives null and the UI shows statistics without charts.
 */
export function seriesOf(text: string, format: InputFormat): WorkflowInputData | null {
  try {
    return format === 'csv' ? fromCsv(text) : fromJson(text);
  } catch {
    return null;
  }
}

function fromJson(text: string): WorkflowInputData | null {
  const raw = JSON.parse(text) as Partial<WorkflowInputData>;
  if (!raw || typeof raw !== 'object') return null;
  const sensors = (raw.sensor_readings ?? []).filter((s) => s && typeof s.sensor_id === 'string' && Array.isArray(s.values));
  const parts = (raw.measurements ?? []).filter((m) => m && typeof m.part_id === 'string' && Array.isArray(m.values));
  return {
    sensor_readings: sensors.map((s) => ({ sensor_id: s.sensor_id, values: s.values.map(Number) })),
    measurements: parts.map((m) => ({ part_id: m.part_id, dimension: String(m.dimension), values: m.values.map(Number) })),
    metadata: (raw.metadata ?? {}) as Record<string, unknown>,
  };
}

function fromCsv(text: string): WorkflowInputData {
  const sensors = new Map<string, SensorSeries>();
  const parts = new Map<string, MeasurementSeries>();
  let first = true;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const cells = line.split(',').map((c) => c.trim());
    if (first && cells[0].toLowerCase() === 'kind') {
      first = false;
      continue;
    }
    first = false;
    const [kind, id, dimension, value] = cells;
    const v = Number(value);
    if (kind.toLowerCase() === 'sensor') {
      let s = sensors.get(id);
      if (!s) sensors.set(id, (s = { sensor_id: id, values: [] }));
      s.values.push(v);
    } else {
      const key = `${id}\u0000${dimension}`;
      let m = parts.get(key);
      if (!m) parts.set(key, (m = { part_id: id, dimension, values: [] }));
      m.values.push(v);
    }
  }
  return { sensor_readings: [...sensors.values()], measurements: [...parts.values()], metadata: {} };
}

/** How many values an input holds, for the summary line under the input box. */
export function countValues(input: WorkflowInputData): number {
  let n = 0;
  for (const s of input.sensor_readings) n += s.values.length;
  for (const m of input.measurements) n += m.values.length;
  return n;
}
