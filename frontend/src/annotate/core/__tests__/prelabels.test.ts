import { describe, expect, it } from "vitest";
import { sameContent, toApiUpdate } from "../convert";
import { acceptPrelabels, rejectPrelabels, shownAt } from "../prelabels";
import { AnnotationStore } from "../store";
import { SyncState } from "../sync";
import { box, prelabel } from "./fixtures";

describe("pre-labels", () => {
  const shapes = () => [prelabel(box("a", 0, 0, 10, 10), 0.9), prelabel(box("b", 20, 0, 10, 10), 0.3), box("h", 40, 0, 10, 10)];

  it("accepting makes them human work as one undo step; human shapes are left alone", () => {
    const store = new AnnotationStore(shapes());
    expect(acceptPrelabels(store, ["a", "b", "h", "missing"])).toBe(2);
    expect(store.all().map((s) => s.source)).toEqual(["human", "human", "human"]);
    expect(store.get("a")!.score).toBe(0.9); // provenance stays
    store.undo();
    expect(store.all().map((s) => s.source)).toEqual(["model", "model", "human"]);
    expect(acceptPrelabels(store, ["h"])).toBe(0);
  });

  it("rejecting deletes pre-labels only, as one undo step", () => {
    const store = new AnnotationStore(shapes());
    expect(rejectPrelabels(store, ["a", "b", "h"])).toBe(2);
    expect(store.all().map((s) => s.id)).toEqual(["h"]);
    store.undo();
    expect(store.size).toBe(3);
  });

  it("an acceptance is a change to save, sent as source 'human' and nothing else", () => {
    const store = new AnnotationStore(shapes());
    const sync = new SyncState();
    sync.reset(store.all().map((shape) => ({ serverId: shape.id, version: 4, shape })));
    acceptPrelabels(store, ["a"]);
    const ops = sync.pending(store);
    expect(ops.map((o) => o.kind)).toEqual(["update"]);
    const before = store.all()[0]!;
    expect(sameContent(prelabel(before), before)).toBe(false);
    expect(toApiUpdate(prelabel(before), before, 4)).toEqual({ version: 4, source: "human" });
  });

  it("hides pre-labels under the score floor, never human work", () => {
    const visible = shapes().filter(shownAt(0.5)).map((s) => s.id);
    expect(visible).toEqual(["a", "h"]);
    expect(shapes().filter(shownAt(0)).length).toBe(3);
  });
});
