/**
 * Text spans: offsets in Unicode code points (what the API counts) versus UTF-16 indexes (what
 * JavaScript strings and DOM selections count), and the split of a text into runs covered by the
 * same set of (possibly overlapping) spans.
 */

/** Code points in text[0, utf16Index). */
export function toCodePoint(text: string, utf16Index: number): number {
  let cp = 0;
  for (let i = 0; i < utf16Index && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < utf16Index) i++; // a surrogate pair is one code point
    cp++;
  }
  return cp;
}

/** The UTF-16 index of code point offset `cp`. */
export function toUtf16(text: string, cp: number): number {
  let i = 0;
  for (let n = 0; n < cp && i < text.length; n++) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
  }
  return i;
}

/** Number of code points in a string. */
export function codePointLength(text: string): number {
  return toCodePoint(text, text.length);
}

export interface SpanRef {
  readonly id: string;
  readonly start: number;
  readonly end: number;
}

/** A run of text [start, end) (code points) and the spans that cover all of it, outermost first. */
export interface Run {
  readonly start: number;
  readonly end: number;
  readonly ids: readonly string[];
}

/** Split [0, length) at every span boundary; each run lists the spans covering it. */
export function runs(length: number, spans: readonly SpanRef[]): Run[] {
  const cuts = new Set<number>([0, length]);
  for (const s of spans) {
    cuts.add(Math.max(0, Math.min(length, s.start)));
    cuts.add(Math.max(0, Math.min(length, s.end)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  // Longer spans first, so nesting reads outside-in.
  const ordered = [...spans].sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const out: Run[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i]!, end = points[i + 1]!;
    if (end <= start) continue;
    out.push({ start, end, ids: ordered.filter((s) => s.start <= start && s.end >= end).map((s) => s.id) });
  }
  return out;
}

/** A selection [a, b) trimmed of surrounding whitespace (people select words with a trailing space). */
export function trimSelection(text: string, a: number, b: number): { start: number; end: number } | null {
  // a and b are code point offsets; walk in code points via the UTF-16 index.
  let start = Math.min(a, b), end = Math.max(a, b);
  const at = (cp: number) => text.slice(toUtf16(text, cp), toUtf16(text, cp + 1));
  while (start < end && /\s/.test(at(start))) start++;
  while (end > start && /\s/.test(at(end - 1))) end--;
  return end > start ? { start, end } : null;
}
