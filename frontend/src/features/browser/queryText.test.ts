import { describe, expect, it } from "vitest";
import { allOf, applyCompletion, cursorOffset, errorPointer, quoteString } from "./queryText";

describe("applying a completion", () => {
  it("replaces the typed prefix and keeps what follows the cursor", () => {
    // "labels.c|> 1" with the server's range [7, 8): the label's prefix.
    const out = applyCompletion("labels.c > 1", 7, 8, { insert: "cat" });
    expect(out.text).toBe("labels.cat > 1");
    expect(out.cursor).toBe(10);
  });

  it("inserts at the cursor when nothing is typed yet", () => {
    expect(applyCompletion("labels.cat ", 11, 11, { insert: ">= " })).toEqual({ text: "labels.cat >= ", cursor: 14 });
  });

  it("counts the server's offsets in code points, not UTF-16 units", () => {
    // 🚗 is one code point but two UTF-16 units: offsets after it differ by one.
    const q = "meta.emoji = '🚗' and lab";
    const start = Array.from("meta.emoji = '🚗' and ").length;
    const out = applyCompletion(q, start, start + 3, { insert: "labels." });
    expect(out.text).toBe("meta.emoji = '🚗' and labels.");
    expect(out.cursor).toBe(out.text.length);
    expect(cursorOffset(q, q.length)).toBe(Array.from(q).length);
    expect(cursorOffset(q, null)).toBe(Array.from(q).length);
  });
});

describe("error pointer", () => {
  it("puts a caret under the column the server names", () => {
    const p = errorPointer("labels.cat > ", { line: 1, column: 14, expected: ["a number"] })!;
    expect(p.excerpt).toBe("labels.cat > ");
    expect(p.caret).toBe(" ".repeat(13) + "^");
    expect(p.index).toBe(13);
  });

  it("finds the line of a multi-line query and its offset in the whole text", () => {
    const p = errorPointer("labels.car > 1\nand lables.bus > 2", { line: 2, column: 5 })!;
    expect(p.excerpt).toBe("and lables.bus > 2");
    expect(p.caret).toBe("    ^");
    expect(p.index).toBe(15 + 4);
  });

  it("shows a window of a long line with the caret still under the right character", () => {
    const q = `${"a".repeat(100)} X ${"b".repeat(100)}`;
    const p = errorPointer(q, { line: 1, column: 102 })!;
    const caretAt = p.caret.length - 1;
    expect(Array.from(p.excerpt)[caretAt]).toBe("X");
    expect(p.excerpt.startsWith("…")).toBe(true);
    expect(p.excerpt.endsWith("…")).toBe(true);
  });

  it("lines the caret up after astral characters", () => {
    const q = "meta.x = '🚗🚗' oops";
    const col = Array.from("meta.x = '🚗🚗' ").length + 1;
    const p = errorPointer(q, { line: 1, column: col })!;
    expect(Array.from(p.excerpt)[p.caret.length - 1]).toBe("o");
    expect(q.slice(p.index)).toBe("oops");
  });

  it("is null without a position", () => {
    expect(errorPointer("x", null)).toBeNull();
    expect(errorPointer("x", { expected: [] })).toBeNull();
  });
});

describe("composing queries", () => {
  it("quotes strings with escapes", () => {
    expect(quoteString("night drives")).toBe("'night drives'");
    expect(quoteString("it's a \\ path")).toBe("'it\\'s a \\\\ path'");
  });

  it("joins the parts that are there, each in parentheses", () => {
    expect(allOf("", "  ")).toBe("");
    expect(allOf("labels.car > 1")).toBe("labels.car > 1");
    expect(allOf("a = 1 or b = 2", "", "dataset = 'x'")).toBe("(a = 1 or b = 2) and (dataset = 'x')");
  });
});
