import type { WorkflowInputData } from './types.js';

/** A small deterministic PRNG (mulberry32): the example is the same on every load. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

interface SensorPlan {
  id: string;
  base: number;
  noise: number;
  drift?: number;
  spikes?: [at: number, by: number][];
}

const READINGS = 240;

const SENSORS: SensorPlan[] = [
  { id: 'temp_1', base: 70.2, noise: 0.5 },
  { id: 'temp_2', base: 71.0, noise: 0.5, drift: 0.02 }, // a heater creeping up
  { id: 'pressure_1', base: 101.3, noise: 0.3, spikes: [[61, 2.6], [172, -2.2]] }, // valve chatter
  { id: 'vibration_1', base: 2.5, noise: 0.15 },
  { id: 'flow_1', base: 12.0, noise: 0.25 },
];

const PARTS = ['P1001', 'P1002', 'P1003'];
const DIMENSIONS: [name: string, nominal: number][] = [['width', 10.0], ['height', 25.0]];
const PER_DIMENSION = 30;

/**
 * The "Load example" input: a line's sensors over one shift (one drifting, one with spikes, the
 * rest steady) and three parts measured on two dimensions, one with an out-of-tolerance piece.
 */
export function exampleInput(): WorkflowInputData {
  const r = rng(20261125);
  const noise = (a: number) => a * (2 * r() - 1);
  const sensor_readings = SENSORS.map((s) => ({
    sensor_id: s.id,
    values: Array.from({ length: READINGS }, (_, i) => {
      let v = s.base + (s.drift ?? 0) * i + noise(s.noise);
      for (const [at, by] of s.spikes ?? []) if (at === i) v += by;
      return round3(v);
    }),
  }));
  const measurements = PARTS.flatMap((part, p) => DIMENSIONS.map(([dimension, nominal], d) => ({
    part_id: part,
    dimension,
    values: Array.from({ length: PER_DIMENSION }, (_, i) => {
      let v = nominal + noise(0.02);
      if (p === 1 && d === 1 && i === 17) v += 0.16; // one over-size part
      return round3(v);
    }),
  })));
  return {
    sensor_readings,
    measurements,
    metadata: { line: 'L2', station: 'S07', shift: 'B', source: 'Kiln web UI example' },
  };
}

/** The example as the text a person would paste: one series per line, easy to scan and edit. */
export function exampleText(): string {
  const input = exampleInput();
  const sensors = input.sensor_readings
    .map((s) => `    {"sensor_id": ${JSON.stringify(s.sensor_id)}, "values": [${s.values.join(', ')}]}`).join(',\n');
  const parts = input.measurements
    .map((m) => `    {"part_id": ${JSON.stringify(m.part_id)}, "dimension": ${JSON.stringify(m.dimension)}, "values": [${m.values.join(', ')}]}`)
    .join(',\n');
  return `{\n  "sensor_readings": [\n${sensors}\n  ],\n  "measurements": [\n${parts}\n  ],\n  "metadata": ${JSON.stringify(input.metadata)}\n}\n`;
}
