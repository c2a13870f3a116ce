import { describe, expect, it } from "vitest";
import { EMPTY_SELECTION, clickSelect, keepShown } from "./selection";

const order = [10, 11, 12, 13, 14];

describe("grid selection", () => {
  it("toggles one file per click", () => {
    let s = clickSelect(EMPTY_SELECTION, order, 11, false);
    expect([...s.ids]).toEqual([11]);
    s = clickSelect(s, order, 13, false);
    expect([...s.ids].sort()).toEqual([11, 13]);
    s = clickSelect(s, order, 11, false);
    expect([...s.ids]).toEqual([13]);
  });

  it("extends a range with shift, in either direction, to the anchor's state", () => {
    let s = clickSelect(EMPTY_SELECTION, order, 13, false);
    s = clickSelect(s, order, 10, true);
    expect([...s.ids].sort()).toEqual([10, 11, 12, 13]);
    s = clickSelect(s, order, 11, false); // unselect 11: the anchor is now off
    s = clickSelect(s, order, 13, true);
    expect([...s.ids].sort()).toEqual([10]);
  });

  it("treats a shift-click without an anchor as a plain click", () => {
    expect([...clickSelect(EMPTY_SELECTION, order, 12, true).ids]).toEqual([12]);
  });

  it("drops files that are no longer shown", () => {
    const s = { ids: new Set([10, 12, 14]), anchor: 14 };
    const kept = keepShown(s, [10, 11, 12]);
    expect([...kept.ids].sort()).toEqual([10, 12]);
    expect(kept.anchor).toBeNull();
    expect(keepShown(kept, [10, 11, 12])).toBe(kept);
  });
});
