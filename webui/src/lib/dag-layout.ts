/**
 * A layered drawing of a task DAG: each task in the column (or row) after its deepest dependency,
 * tasks in a layer ordered by their dependencies' positions, edges as curves between them.
 */
export interface LayoutNode {
  id: string;
  layer: number;
  x: number;
  y: number;
}

export interface LayoutEdge {
  from: string;
  to: string;
  d: string;
}

export interface Layout {
  nodes: LayoutNode[];
  edges: LayoutEdge[];
  width: number;
  height: number;
}

export interface LayoutOptions {
  vertical: boolean;
  nodeWidth: number;
  nodeHeight: number;
  gapMain: number;
  gapCross: number;
  pad: number;
}

export function layoutDag(tasks: { id: string; deps: string[] }[], o: LayoutOptions): Layout {
  const ids = new Set(tasks.map((t) => t.id));
  const deps = new Map(tasks.map((t) => [t.id, t.deps.filter((d) => ids.has(d) && d !== t.id)]));
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (id: string): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0; // a cycle (specs reject them): draw it anyway
    visiting.add(id);
    let l = 0;
    for (const d of deps.get(id) ?? []) l = Math.max(l, depth(d) + 1);
    visiting.delete(id);
    layer.set(id, l);
    return l;
  };
  tasks.forEach((t) => depth(t.id));

  const layers: string[][] = [];
  for (const t of tasks) {
    const l = layer.get(t.id)!;
    (layers[l] ??= []).push(t.id);
  }
  // Order each layer by the mean position of its dependencies (spec order breaks ties).
  const pos = new Map<string, number>();
  layers.forEach((ids, l) => {
    if (l > 0) {
      const key = (id: string) => {
        const ds = deps.get(id) ?? [];
        return ds.length ? ds.reduce((s, d) => s + (pos.get(d) ?? 0), 0) / ds.length : 0;
      };
      ids.sort((a, b) => key(a) - key(b));
    }
    ids.forEach((id, i) => pos.set(id, i - (ids.length - 1) / 2));
  });

  const widest = Math.max(1, ...layers.map((ids) => ids.length));
  const mainStep = (o.vertical ? o.nodeHeight : o.nodeWidth) + o.gapMain;
  const crossStep = (o.vertical ? o.nodeWidth : o.nodeHeight) + o.gapCross;
  const crossSize = widest * crossStep - o.gapCross;
  const nodes: LayoutNode[] = [];
  layers.forEach((ids, l) => {
    const offset = (crossSize - (ids.length * crossStep - o.gapCross)) / 2;
    ids.forEach((id, i) => {
      const main = o.pad + l * mainStep;
      const cross = o.pad + offset + i * crossStep;
      nodes.push({ id, layer: l, x: o.vertical ? cross : main, y: o.vertical ? main : cross });
    });
  });
  const at = new Map(nodes.map((n) => [n.id, n]));
  const edges: LayoutEdge[] = [];
  for (const t of tasks) {
    for (const d of deps.get(t.id) ?? []) {
      const a = at.get(d)!;
      const b = at.get(t.id)!;
      let d0: string;
      if (o.vertical) {
        const x1 = a.x + o.nodeWidth / 2, y1 = a.y + o.nodeHeight;
        const x2 = b.x + o.nodeWidth / 2, y2 = b.y;
        const m = (y1 + y2) / 2;
        d0 = `M${x1},${y1} C${x1},${m} ${x2},${m} ${x2},${y2}`;
      } else {
        const x1 = a.x + o.nodeWidth, y1 = a.y + o.nodeHeight / 2;
        const x2 = b.x, y2 = b.y + o.nodeHeight / 2;
        const m = (x1 + x2) / 2;
        d0 = `M${x1},${y1} C${m},${y1} ${m},${y2} ${x2},${y2}`;
      }
      edges.push({ from: d, to: t.id, d: d0 });
    }
  }
  const mainSize = layers.length * mainStep - o.gapMain;
  return {
    nodes,
    edges,
    width: 2 * o.pad + (o.vertical ? crossSize : mainSize),
    height: 2 * o.pad + (o.vertical ? mainSize : crossSize),
  };
}
