import { describe, expect, it } from "vitest";
import { setFileAttribute, setShapeAttribute, setTag, tagsOf } from "../classify";
import { AnnotationStore } from "../store";
import { box, prelabel } from "./fixtures";

const ids = () => {
  let n = 0;
  return () => `t${++n}`;
};

describe("classification", () => {
  it("adds and removes a tag per class, each one undoable", () => {
    const store = new AnnotationStore([box("b", 0, 0, 5, 5)]);
    const id = ids();
    setTag(store, "indoor", true, id);
    setTag(store, "indoor", true, id); // already there
    setTag(store, "night", true, id);
    expect([...tagsOf(store.all()).byLabel.keys()]).toEqual(["indoor", "night"]);
    setTag(store, "indoor", false, id);
    expect([...tagsOf(store.all()).byLabel.keys()]).toEqual(["night"]);
    store.undo();
    expect(tagsOf(store.all()).byLabel.has("indoor")).toBe(true);
  });

  it("keeps file attributes on one label-less tag, made on first use and dropped when empty", () => {
    const store = new AnnotationStore();
    const id = ids();
    setFileAttribute(store, "weather", "sunny", id);
    setFileAttribute(store, "time", "day", id);
    const bare = tagsOf(store.all()).bare!;
    expect([bare.label, bare.attributes, store.size]).toEqual(["", { weather: "sunny", time: "day" }, 1]);
    setFileAttribute(store, "weather", undefined, id);
    setFileAttribute(store, "time", undefined, id);
    expect(store.size).toBe(0);
    setFileAttribute(store, "weather", undefined, id); // nothing to clear: nothing made
    expect(store.size).toBe(0);
  });

  it("puts a class's own file attributes on that class's tag", () => {
    const store = new AnnotationStore();
    const id = ids();
    setFileAttribute(store, "lighting", "dim", id, "indoor"); // not classified indoor: nowhere to put it
    expect(store.size).toBe(0);
    setTag(store, "indoor", true, id);
    setFileAttribute(store, "lighting", "dim", id, "indoor");
    expect(tagsOf(store.all()).byLabel.get("indoor")!.attributes).toEqual({ lighting: "dim" });
  });

  it("sets instance attributes, and setting one on a pre-label accepts it", () => {
    const store = new AnnotationStore([prelabel(box("b", 0, 0, 5, 5))]);
    setShapeAttribute(store, "b", "occluded", true);
    expect(store.get("b")!.attributes).toEqual({ occluded: true });
    expect(store.get("b")!.source).toBe("human");
    setShapeAttribute(store, "b", "occluded", undefined);
    expect(store.get("b")!.attributes).toEqual({});
  });
});
