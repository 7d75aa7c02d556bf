/** Hash routes, so a URL names what is open and survives reloads: #/ (new analysis), #/workflows/42. */
export type Route = { view: 'new' } | { view: 'workflow'; id: number } | { view: 'unknown'; hash: string };

export function parseHash(hash: string): Route {
  const h = hash.replace(/^#/, '');
  if (h === '' || h === '/' || h === '/new') return { view: 'new' };
  const m = /^\/workflows\/([1-9][0-9]{0,17})\/?$/.exec(h);
  if (m) return { view: 'workflow', id: Number(m[1]) };
  return { view: 'unknown', hash: h };
}

export function workflowHash(id: number): string {
  return `#/workflows/${id}`;
}
