import { describe, expect, it } from "vitest";
import { edgeAt, handlesOf } from "../hittest";
import { AnnotationStore } from "../store";
import { selectTool } from "../tools/select";
import { newShape } from "../types";
import { altAt, at, context, geometries, polygon, prelabel } from "./fixtures";

describe("editing vertices with the select tool", () => {
  it("Alt+click on an edge of the selected polygon adds a vertex there; Alt+click on a vertex removes it", () => {
    const ctx = context(new AnnotationStore([polygon("p", [[10, 10], [60, 10], [60, 60], [10, 60]])]));
    ctx.store.select("p");
    const tool = selectTool();
    expect(tool.down(ctx, altAt(35, 11))).toBe(true); // on the top edge
    expect(geometries(ctx.store)[0]).toEqual({ type: "polygon", points: [
      { x: 10, y: 10 }, { x: 35, y: 11 }, { x: 60, y: 10 }, { x: 60, y: 60 }, { x: 10, y: 60 }] });
    tool.down(ctx, altAt(60, 60));
    expect(geometries(ctx.store)[0]).toEqual({ type: "polygon", points: [
      { x: 10, y: 10 }, { x: 35, y: 11 }, { x: 60, y: 10 }, { x: 10, y: 60 }] });
    ctx.store.undo();
    ctx.store.undo();
    expect((geometries(ctx.store)[0] as { points: readonly unknown[] }).points).toHaveLength(4);
  });

  it("a double click on the closing edge adds a vertex at the end", () => {
    const ctx = context(new AnnotationStore([polygon("p", [[10, 10], [60, 10], [10, 60]])]));
    ctx.store.select("p");
    const tool = selectTool();
    tool.down(ctx, at(10, 35, 2)); // on the edge from the last vertex back to the first
    expect(geometries(ctx.store)[0]).toEqual({ type: "polygon", points: [{ x: 10, y: 10 }, { x: 60, y: 10 }, { x: 10, y: 60 }, { x: 10, y: 35 }] });
  });

  it("refuses to leave a polygon with fewer than three vertices", () => {
    const ctx = context(new AnnotationStore([polygon("p", [[10, 10], [60, 10], [10, 60]])]));
    ctx.store.select("p");
    selectTool().down(ctx, altAt(60, 10));
    expect((geometries(ctx.store)[0] as { points: readonly unknown[] }).points).toHaveLength(3);
    expect(ctx.messages).toHaveLength(1);
  });

  it("turns a removed keypoint into a point that is not visible, and offers no handle for it", () => {
    const kp = newShape("k", "person", { type: "keypoints", points: [
      { x: 10, y: 10, visible: true }, { x: 50, y: 50, visible: true }, { x: 0, y: 0, visible: false }] });
    const ctx = context(new AnnotationStore([kp]));
    ctx.store.select("k");
    expect(handlesOf(kp).map((h) => h.at)).toEqual([{ x: 10, y: 10, visible: true }, { x: 50, y: 50, visible: true }]);
    selectTool().down(ctx, altAt(50, 50));
    expect(geometries(ctx.store)[0]).toEqual({ type: "keypoints", points: [
      { x: 10, y: 10, visible: true }, { x: 0, y: 0, visible: false }, { x: 0, y: 0, visible: false }] });
  });

  it("finds the nearest edge of a polyline, which has no closing edge", () => {
    const line = newShape("l", "lane", { type: "polyline", points: [{ x: 0, y: 0 }, { x: 100, y: 0 }, { x: 100, y: 100 }] });
    expect(edgeAt(line, { x: 50, y: 2 }, 3)).toBe(1);
    expect(edgeAt(line, { x: 98, y: 50 }, 3)).toBe(2);
    expect(edgeAt(line, { x: 50, y: 50 }, 3)).toBeNull(); // where a closing edge would be
  });

  it("editing a pre-label makes it human work, keeping the model's name and score", () => {
    const ctx = context(new AnnotationStore([prelabel(polygon("p", [[10, 10], [60, 10], [10, 60]]), 0.7)]));
    const tool = selectTool();
    tool.down(ctx, at(20, 20));
    tool.up(ctx, at(25, 20));
    const s = ctx.store.get("p")!;
    expect([s.source, s.modelName, s.score]).toEqual(["human", "owlv2", 0.7]);
    ctx.store.undo();
    expect(ctx.store.get("p")!.source).toBe("model");
  });
});
