import { describe, expect, it } from "vitest";
import { AnnotationStore } from "../store";
import { polylineTool } from "../tools/polyline";
import { at, context, geometries } from "./fixtures";

describe("polyline tool", () => {
  it("adds a vertex per click and finishes on a double click, open (a click on the first vertex is a vertex)", () => {
    const ctx = context(new AnnotationStore(), "lane");
    const tool = polylineTool();
    tool.down(ctx, at(10, 10));
    tool.down(ctx, at(60, 10));
    tool.down(ctx, at(10, 11)); // near the first vertex: a polygon would close here
    expect(ctx.store.size).toBe(0);
    expect(tool.hint?.(ctx)).toMatch(/finishes the polyline/);
    tool.down(ctx, at(10, 11, 2));
    expect(geometries(ctx.store)).toEqual([{ type: "polyline", points: [{ x: 10, y: 10 }, { x: 60, y: 10 }, { x: 10, y: 11 }] }]);
    expect(ctx.store.all()[0]!.label).toBe("lane");
    expect(ctx.store.selection).toBe("s1");
  });

  it("finishes with two vertices on Enter, not with one; Backspace and Escape work while drawing", () => {
    const ctx = context();
    const tool = polylineTool();
    tool.down(ctx, at(10, 10));
    expect(tool.hint?.(ctx)).toBe("1 more point at least");
    tool.key(ctx, "Enter");
    expect(ctx.store.size).toBe(0);
    tool.down(ctx, at(90, 90));
    tool.down(ctx, at(150, 150)); // clamped to the 200x100 image
    expect(tool.key(ctx, "Backspace")).toBe(true);
    tool.move(ctx, at(30, 40));
    expect(tool.draft()).toEqual({ type: "polyline", points: [{ x: 10, y: 10 }, { x: 90, y: 90 }, { x: 30, y: 40 }] });
    tool.key(ctx, "Enter");
    expect(geometries(ctx.store)).toEqual([{ type: "polyline", points: [{ x: 10, y: 10 }, { x: 90, y: 90 }] }]);
    tool.down(ctx, at(1, 1));
    tool.key(ctx, "Escape");
    expect(tool.draft()).toBeNull();
    ctx.store.undo();
    expect(ctx.store.size).toBe(0);
  });
});
