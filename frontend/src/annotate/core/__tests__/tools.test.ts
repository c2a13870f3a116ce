import { describe, expect, it } from "vitest";
import { AnnotationStore } from "../store";
import { boxTool } from "../tools/box";
import { pointTool } from "../tools/point";
import { polygonTool } from "../tools/polygon";
import { selectTool } from "../tools/select";
import { at, box, context, geometries, polygon } from "./fixtures";

describe("box tool", () => {
  it("draws a box from press to release, in any direction, and selects it", () => {
    const ctx = context();
    const tool = boxTool();
    tool.down(ctx, at(50, 40));
    tool.move(ctx, at(30, 20));
    expect(tool.draft()).toEqual({ type: "box", x: 30, y: 20, w: 20, h: 20 });
    tool.up(ctx, at(20, 10));
    expect(geometries(ctx.store)).toEqual([{ type: "box", x: 20, y: 10, w: 30, h: 30 }]);
    expect(ctx.store.all()[0]!.label).toBe("car");
    expect(ctx.store.selection).toBe("s1");
    expect(tool.draft()).toBeNull();
  });

  it("clamps to the image and ignores a click without a drag", () => {
    const ctx = context();
    const tool = boxTool();
    tool.down(ctx, at(190, 90));
    tool.up(ctx, at(260, 140));
    expect(geometries(ctx.store)).toEqual([{ type: "box", x: 190, y: 90, w: 10, h: 10 }]);
    tool.down(ctx, at(5, 5));
    tool.up(ctx, at(6, 5));
    expect(ctx.store.size).toBe(1);
  });

  it("needs a label, and Escape abandons a drag", () => {
    const ctx = context(new AnnotationStore(), null);
    const tool = boxTool();
    tool.down(ctx, at(1, 1));
    tool.up(ctx, at(50, 50));
    expect(ctx.store.size).toBe(0);
    expect(ctx.messages).toHaveLength(1);
    const ctx2 = context();
    tool.down(ctx2, at(1, 1));
    expect(tool.key(ctx2, "Escape")).toBe(true);
    tool.up(ctx2, at(50, 50));
    expect(ctx2.store.size).toBe(0);
  });

  it("is one undo step", () => {
    const ctx = context();
    const tool = boxTool();
    tool.down(ctx, at(10, 10));
    tool.move(ctx, at(20, 20));
    tool.move(ctx, at(30, 30));
    tool.up(ctx, at(40, 40));
    ctx.store.undo();
    expect(ctx.store.size).toBe(0);
  });
});

describe("polygon tool", () => {
  it("adds a vertex per click and closes on the first vertex", () => {
    const ctx = context(new AnnotationStore(), "road");
    const tool = polygonTool();
    for (const [x, y] of [[10, 10], [60, 10], [60, 60]] as const) {
      tool.down(ctx, at(x, y));
      tool.up(ctx, at(x, y));
    }
    tool.move(ctx, at(20, 50));
    expect(tool.draft()).toEqual({ type: "polyline", points: [{ x: 10, y: 10 }, { x: 60, y: 10 }, { x: 60, y: 60 }, { x: 20, y: 50 }] });
    expect(ctx.store.size).toBe(0);
    tool.down(ctx, at(12, 11)); // within 5 px of the first vertex
    expect(geometries(ctx.store)).toEqual([{ type: "polygon", points: [{ x: 10, y: 10 }, { x: 60, y: 10 }, { x: 60, y: 60 }] }]);
    expect(ctx.store.all()[0]!.label).toBe("road");
    expect(tool.draft()).toBeNull();
  });

  it("closes on Enter or a double click, drops the last vertex on Backspace", () => {
    const ctx = context();
    const tool = polygonTool();
    tool.down(ctx, at(10, 10));
    tool.down(ctx, at(50, 10));
    tool.down(ctx, at(99, 99));
    expect(tool.key(ctx, "Backspace")).toBe(true);
    tool.down(ctx, at(50, 50));
    expect(tool.key(ctx, "Enter")).toBe(true);
    expect(geometries(ctx.store)).toEqual([{ type: "polygon", points: [{ x: 10, y: 10 }, { x: 50, y: 10 }, { x: 50, y: 50 }] }]);
    tool.down(ctx, at(100, 10));
    tool.down(ctx, at(150, 10));
    tool.down(ctx, at(150, 60));
    tool.down(ctx, at(150, 60, 2)); // the second press of a double click
    expect(ctx.store.size).toBe(2);
    expect(ctx.store.all()[1]!.geometry).toEqual({ type: "polygon", points: [{ x: 100, y: 10 }, { x: 150, y: 10 }, { x: 150, y: 60 }] });
  });

  it("refuses to close fewer than three vertices and abandons on Escape", () => {
    const ctx = context();
    const tool = polygonTool();
    tool.down(ctx, at(10, 10));
    tool.down(ctx, at(50, 10));
    tool.key(ctx, "Enter");
    expect(ctx.store.size).toBe(0);
    tool.down(ctx, at(10, 10));
    tool.down(ctx, at(50, 10));
    tool.down(ctx, at(50, 50));
    tool.key(ctx, "Escape");
    expect(tool.draft()).toBeNull();
    expect(tool.key(ctx, "Enter")).toBe(false);
    expect(ctx.store.size).toBe(0);
  });
});

describe("point tool", () => {
  it("places a point per click inside the image only", () => {
    const ctx = context(new AnnotationStore(), "eye");
    const tool = pointTool();
    tool.down(ctx, at(12.345, 67.891));
    tool.down(ctx, at(500, 10));
    expect(geometries(ctx.store)).toEqual([{ type: "point", x: 12.35, y: 67.89 }]);
    expect(tool.down(ctx, at(1, 1, 1, 1))).toBe(false); // other buttons are not for drawing
  });
});

describe("select tool", () => {
  it("selects by click, and a click on empty space deselects and lets the view pan", () => {
    const ctx = context(new AnnotationStore([box("a", 10, 10, 40, 40)]));
    const tool = selectTool();
    expect(tool.down(ctx, at(30, 30))).toBe(true);
    tool.up(ctx, at(30, 30));
    expect(ctx.store.selection).toBe("a");
    expect(ctx.store.canUndo).toBe(false); // a click changes nothing
    expect(tool.down(ctx, at(150, 80))).toBe(false);
    expect(ctx.store.selection).toBeNull();
  });

  it("moves a shape by dragging its body, as one undo step, stopping at the image edge", () => {
    const ctx = context(new AnnotationStore([box("a", 10, 10, 40, 40)]));
    const tool = selectTool();
    tool.down(ctx, at(30, 30));
    tool.move(ctx, at(35, 32));
    tool.move(ctx, at(40, 35));
    tool.up(ctx, at(40, 200));
    expect(geometries(ctx.store)).toEqual([{ type: "box", x: 20, y: 60, w: 40, h: 40 }]);
    ctx.store.undo();
    expect(geometries(ctx.store)).toEqual([{ type: "box", x: 10, y: 10, w: 40, h: 40 }]);
  });

  it("resizes a selected box by a corner", () => {
    const ctx = context(new AnnotationStore([box("a", 10, 10, 40, 40)]));
    ctx.store.select("a");
    const tool = selectTool();
    tool.down(ctx, at(50, 50)); // the se handle
    tool.move(ctx, at(70, 60));
    tool.up(ctx, at(80, 70));
    expect(geometries(ctx.store)).toEqual([{ type: "box", x: 10, y: 10, w: 70, h: 60 }]);
  });

  it("moves one polygon vertex", () => {
    const ctx = context(new AnnotationStore([polygon("p", [[10, 10], [60, 10], [10, 60]])]));
    ctx.store.select("p");
    const tool = selectTool();
    tool.down(ctx, at(60, 10));
    tool.up(ctx, at(90, 20));
    expect(geometries(ctx.store)).toEqual([{ type: "polygon", points: [{ x: 10, y: 10 }, { x: 90, y: 20 }, { x: 10, y: 60 }] }]);
  });

  it("Escape during a drag puts the shape back; arrows nudge the selection", () => {
    const ctx = context(new AnnotationStore([box("a", 10, 10, 40, 40)]));
    const tool = selectTool();
    tool.down(ctx, at(30, 30));
    tool.move(ctx, at(60, 60));
    tool.key(ctx, "Escape");
    expect(geometries(ctx.store)).toEqual([{ type: "box", x: 10, y: 10, w: 40, h: 40 }]);
    expect(ctx.store.canUndo).toBe(false);
    expect(tool.key(ctx, "ArrowRight")).toBe(true);
    expect(geometries(ctx.store)).toEqual([{ type: "box", x: 11, y: 10, w: 40, h: 40 }]);
  });
});
