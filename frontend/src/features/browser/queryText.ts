/**
 * Pure helpers of the query bar: applying a completion, and turning the server's error position
 * (1-based line and column, counted in code points like every offset of the API) into an index of
 * the JavaScript string and a compiler-style excerpt with a caret under the offending column.
 */
import { toCodePoint, toUtf16 } from "../../annotate/core";

export interface Completion {
  readonly insert: string;
}

export interface Applied {
  readonly text: string;
  /** Where the cursor goes afterwards (UTF-16 index, for setSelectionRange). */
  readonly cursor: number;
}

/**
 * Replace `text[replaceStart:cursorPos]` (code points, as the server answers) with the completion.
 * Whatever follows the cursor is kept.
 */
export function applyCompletion(text: string, replaceStart: number, cursorPos: number, c: Completion): Applied {
  const from = toUtf16(text, replaceStart);
  const to = toUtf16(text, Math.max(cursorPos, replaceStart));
  const before = text.slice(0, from);
  return { text: before + c.insert + text.slice(to), cursor: before.length + c.insert.length };
}

/** The cursor's offset in code points, for the suggestions endpoint. */
export function cursorOffset(text: string, utf16Cursor: number | null): number {
  return toCodePoint(text, utf16Cursor ?? text.length);
}

export interface ErrorPointer {
  /** UTF-16 index in the whole text where the error is (to put the cursor there). */
  readonly index: number;
  /** The line (or a window of a long line) with the caret line below it. */
  readonly excerpt: string;
  readonly caret: string;
  readonly line: number;
  readonly column: number;
}

/** Half the width of the excerpt shown around an error in a long line. */
const WINDOW = 36;

/** Where the server says a query is wrong; null when its error carries no position. */
export function errorPointer(text: string, detail: unknown): ErrorPointer | null {
  const d = (detail ?? {}) as { line?: unknown; column?: unknown };
  if (typeof d.line !== "number" || typeof d.column !== "number" || d.line < 1 || d.column < 1) return null;
  const lines = text.split("\n");
  const lineText = lines[Math.min(d.line, lines.length) - 1] ?? "";
  const lineStart = lines.slice(0, Math.min(d.line, lines.length) - 1).reduce((n, l) => n + l.length + 1, 0);
  const col16 = toUtf16(lineText, d.column - 1); // column N is N-1 code points into the line
  const chars = Array.from(lineText); // code points, so the caret lines up under astral characters too
  const at = d.column - 1;
  let start = 0, end = chars.length;
  if (chars.length > 2 * WINDOW) {
    start = Math.max(0, Math.min(at - WINDOW, chars.length - 2 * WINDOW));
    end = start + 2 * WINDOW;
  }
  const excerpt = (start > 0 ? "…" : "") + chars.slice(start, end).join("") + (end < chars.length ? "…" : "");
  const caret = " ".repeat(at - start + (start > 0 ? 1 : 0)) + "^";
  return { index: lineStart + col16, excerpt, caret, line: d.line, column: d.column };
}

/** A string literal of the query language: single quotes, backslash escapes. */
export function quoteString(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** One query that means `q` and every other filter (each part in parentheses; empty parts dropped). */
export function allOf(...parts: readonly string[]): string {
  const kept = parts.map((p) => p.trim()).filter((p) => p !== "");
  return kept.length === 1 ? kept[0]! : kept.map((p) => `(${p})`).join(" and ");
}
