import { describe, expect, it } from "vitest";
import { codePointLength, runs, toCodePoint, toUtf16, trimSelection } from "../text";

describe("code point offsets", () => {
  const text = "🙂 Ada née Byron, 𝔸𝔹";

  it("count an emoji or a mathematical letter as one, as the API does", () => {
    expect(text.length).toBe(22); // UTF-16 units
    expect(codePointLength(text)).toBe(19);
    expect(toCodePoint(text, text.indexOf("Ada"))).toBe(2);
    expect(toUtf16(text, 2)).toBe(text.indexOf("Ada"));
  });

  it("round-trip every boundary", () => {
    for (let cp = 0; cp <= codePointLength(text); cp++) expect(toCodePoint(text, toUtf16(text, cp))).toBe(cp);
  });
});

describe("runs", () => {
  it("split overlapping spans into runs that list every covering span", () => {
    const r = runs(10, [{ id: "a", start: 0, end: 6 }, { id: "b", start: 4, end: 8 }]);
    expect(r).toEqual([
      { start: 0, end: 4, ids: ["a"] },
      { start: 4, end: 6, ids: ["a", "b"] },
      { start: 6, end: 8, ids: ["b"] },
      { start: 8, end: 10, ids: [] },
    ]);
  });

  it("list nested spans outermost first and cover the whole text", () => {
    const r = runs(5, [{ id: "inner", start: 1, end: 2 }, { id: "outer", start: 0, end: 5 }]);
    expect(r.map((x) => x.ids)).toEqual([["outer"], ["outer", "inner"], ["outer"]]);
    expect(runs(3, [])).toEqual([{ start: 0, end: 3, ids: [] }]);
  });
});

describe("trimSelection", () => {
  it("drops surrounding whitespace and refuses an empty selection", () => {
    expect(trimSelection("say  hello  there", 3, 12)).toEqual({ start: 5, end: 10 });
    expect(trimSelection("a   b", 1, 4)).toBeNull();
    expect(trimSelection("ab", 2, 0)).toEqual({ start: 0, end: 2 });
  });
});
