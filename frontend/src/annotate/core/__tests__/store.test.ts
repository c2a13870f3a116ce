import { describe, expect, it, vi } from "vitest";
import { AnnotationStore } from "../store";
import { box } from "./fixtures";

const ids = (s: AnnotationStore): string[] => s.all().map((x) => x.id);

describe("AnnotationStore", () => {
  it("adds, updates and removes shapes, each one undoable step", () => {
    const s = new AnnotationStore();
    s.add(box("a", 0, 0, 10, 10));
    s.update({ ...s.get("a")!, label: "truck" });
    s.remove("a");
    expect(s.size).toBe(0);
    expect(s.undo()).toBe(true);
    expect(s.get("a")?.label).toBe("truck");
    expect(s.undo()).toBe(true);
    expect(s.get("a")?.label).toBe("car");
    expect(s.undo()).toBe(true);
    expect(s.size).toBe(0);
    expect(s.undo()).toBe(false);
  });

  it("redoes what was undone, and a new change clears the redo stack", () => {
    const s = new AnnotationStore();
    s.add(box("a", 0, 0, 10, 10));
    s.add(box("b", 5, 5, 10, 10));
    s.undo();
    expect(ids(s)).toEqual(["a"]);
    expect(s.redo()).toBe(true);
    expect(ids(s)).toEqual(["a", "b"]);
    s.undo();
    s.add(box("c", 1, 1, 5, 5));
    expect(s.canRedo).toBe(false);
    expect(s.redo()).toBe(false);
  });

  it("puts an undone deletion back at its place in the z-order", () => {
    const s = new AnnotationStore([box("a", 0, 0, 1, 1), box("b", 0, 0, 1, 1), box("c", 0, 0, 1, 1)]);
    s.remove("b");
    expect(ids(s)).toEqual(["a", "c"]);
    s.undo();
    expect(ids(s)).toEqual(["a", "b", "c"]);
  });

  it("groups a transaction's changes into one change set with the first before and last after", () => {
    const s = new AnnotationStore([box("a", 0, 0, 10, 10)]);
    s.begin("move");
    for (let x = 1; x <= 5; x++) s.update({ ...s.get("a")!, geometry: { type: "box", x, y: 0, w: 10, h: 10 } });
    expect(s.canUndo).toBe(false); // not while the drag is open
    s.commit();
    expect(s.undoLabel).toBe("move");
    s.undo();
    expect(s.get("a")!.geometry).toEqual({ type: "box", x: 0, y: 0, w: 10, h: 10 });
    expect(s.canUndo).toBe(false);
    s.redo();
    expect(s.get("a")!.geometry).toEqual({ type: "box", x: 5, y: 0, w: 10, h: 10 });
  });

  it("rolls a transaction back without leaving history", () => {
    const s = new AnnotationStore([box("a", 0, 0, 10, 10)]);
    const original = s.get("a");
    s.begin("move");
    s.update({ ...original!, label: "bus" });
    s.add(box("b", 1, 1, 2, 2));
    s.rollback();
    expect(s.get("a")).toBe(original);
    expect(s.get("b")).toBeUndefined();
    expect(s.canUndo).toBe(false);
  });

  it("drops an empty transaction", () => {
    const s = new AnnotationStore([box("a", 0, 0, 10, 10)]);
    s.begin("noop");
    s.commit();
    expect(s.canUndo).toBe(false);
  });

  it("clears the selection when the selected shape goes, and notifies listeners", () => {
    const s = new AnnotationStore([box("a", 0, 0, 10, 10)]);
    const listener = vi.fn();
    s.subscribe(listener);
    s.select("a");
    expect(s.selection).toBe("a");
    s.remove("a");
    expect(s.selection).toBeNull();
    expect(listener).toHaveBeenCalledTimes(2);
    const before = s.snapshot;
    s.undo();
    expect(s.snapshot).toBeGreaterThan(before);
    expect(s.selection).toBeNull(); // undo does not reselect
  });

  it("refuses a duplicate id and ignores selecting an unknown one", () => {
    const s = new AnnotationStore([box("a", 0, 0, 10, 10)]);
    expect(() => s.add(box("a", 1, 1, 1, 1))).toThrow(/already exists/);
    s.select("zzz");
    expect(s.selection).toBeNull();
  });

  it("replaceAll forgets the history", () => {
    const s = new AnnotationStore();
    s.add(box("a", 0, 0, 10, 10));
    s.replaceAll([box("b", 0, 0, 3, 3)]);
    expect(ids(s)).toEqual(["b"]);
    expect(s.canUndo).toBe(false);
  });
});
