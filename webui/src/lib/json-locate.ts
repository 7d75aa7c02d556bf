/**
 * Where a field Kiln names sits in the text the person submitted, so the UI can select it:
 * JSON paths like "sensor_readings[3].values[17]" (or "$" for the whole body) and CSV places like
 * "csv line 7" or "csv line 7.value". Returns null when the place cannot be found (e.g. the text
 * is not valid JSON up to that point).
 */
export interface TextRange {
  start: number;
  end: number;
}

type Segment = string | number;

export function parsePath(field: string): Segment[] | null {
  const f = field.trim();
  if (f === '$' || f === '') return [];
  const body = f.startsWith('$.') ? f.slice(2) : f.startsWith('$') ? f.slice(1) : f;
  const out: Segment[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(body)) !== null) {
    out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
    consumed += m[0].length;
  }
  const dots = (body.match(/\./g) ?? []).length;
  return consumed + dots === body.length ? out : null;
}

export function locateField(text: string, field: string | null | undefined): TextRange | null {
  if (!field) return null;
  const csv = /^csv line (\d+)/i.exec(field);
  if (csv) return lineRange(text, Number(csv[1]));
  const path = parsePath(field);
  if (!path) return null;
  if (path.length === 0) return text.length ? { start: 0, end: text.length } : null;
  try {
    return new Locator(text, path).find();
  } catch {
    return null;
  }
}

function lineRange(text: string, line: number): TextRange | null {
  let start = 0;
  for (let i = 1; i < line; i++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return null;
    start = nl + 1;
  }
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  if (end > start && text[end - 1] === '\r') end--;
  return { start, end };
}

class Locator {
  private i = 0;

  constructor(private readonly s: string, private readonly target: Segment[]) {}

  find(): TextRange | null {
    return this.value(0);
  }

  /** Parses one value at the current position; depth = how much of the target path matches so far. */
  private value(depth: number): TextRange | null {
    this.ws();
    const start = this.i;
    const c = this.s[this.i];
    if (depth === this.target.length) {
      this.skipValue();
      return { start, end: this.i };
    }
    const want = this.target[depth];
    if (c === '{') {
      this.i++;
      this.ws();
      if (this.s[this.i] === '}') {
        this.i++;
        return null;
      }
      for (;;) {
        this.ws();
        const key = this.string();
        this.ws();
        this.expect(':');
        if (key === want) return this.value(depth + 1);
        this.skipValue();
        this.ws();
        if (this.s[this.i] === ',') {
          this.i++;
          continue;
        }
        this.expect('}');
        return null;
      }
    }
    if (c === '[') {
      this.i++;
      this.ws();
      if (this.s[this.i] === ']') {
        this.i++;
        return null;
      }
      for (let index = 0; ; index++) {
        if (index === want) return this.value(depth + 1);
        this.skipValue();
        this.ws();
        if (this.s[this.i] === ',') {
          this.i++;
          continue;
        }
        this.expect(']');
        return null;
      }
    }
    return null;
  }

  private skipValue(): void {
    this.ws();
    const c = this.s[this.i];
    if (c === '"') {
      this.string();
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      this.i++;
      this.ws();
      if (this.s[this.i] === close) {
        this.i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          this.ws();
          this.string();
          this.ws();
          this.expect(':');
        }
        this.skipValue();
        this.ws();
        if (this.s[this.i] === ',') {
          this.i++;
          continue;
        }
        this.expect(close);
        return;
      }
    } else {
      // number, true, false, null, or anything else up to the next delimiter
      const start = this.i;
      while (this.i < this.s.length && !/[\s,\]}]/.test(this.s[this.i])) this.i++;
      if (this.i === start) throw new Error('value expected');
    }
  }

  private string(): string {
    this.expect('"');
    let out = '';
    while (this.i < this.s.length) {
      const c = this.s[this.i++];
      if (c === '"') return out;
      if (c === '\\') {
        const e = this.s[this.i++];
        if (e === 'u') {
          out += String.fromCharCode(parseInt(this.s.slice(this.i, this.i + 4), 16));
          this.i += 4;
        } else {
          out += ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' } as Record<string, string>)[e] ?? e;
        }
      } else {
        out += c;
      }
    }
    throw new Error('unterminated string');
  }

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
  }

  private expect(c: string): void {
    if (this.s[this.i] !== c) throw new Error(`expected ${c}`);
    this.i++;
  }
}

/** As locateField, falling back to the "(line L, column C)" that Kiln puts in malformed-JSON messages. */
export function locateError(text: string, field: string | null | undefined, message: string | null | undefined): TextRange | null {
  const byField = field && field !== '$' ? locateField(text, field) : null;
  if (byField) return byField;
  const m = /\(line (\d+), column (\d+)\)/.exec(message ?? '');
  if (m) {
    const line = lineRange(text, Number(m[1]));
    if (line) {
      const at = Math.min(line.end, line.start + Math.max(0, Number(m[2]) - 1));
      return { start: Math.max(line.start, at - 1), end: Math.min(line.end, at + 1) || at };
    }
  }
  return field === '$' ? null : locateField(text, field);
}
