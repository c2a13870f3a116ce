/**
 * Polygon tool: each click adds a vertex; clicking the first vertex, double-clicking or Enter
 * closes it (three vertices at least); Backspace drops the last vertex; Escape abandons it.
 */
import { clampGeometry, clampPoint, distance, isDrawable } from "../geometry";
import { newShape, type Geometry, type Point } from "../types";
import type { Tool, ToolContext, ToolPointer } from "./tool";

export function polygonTool(): Tool {
  let points: Point[] = [];
  let cursor: Point | null = null;

  function finish(ctx: ToolContext): void {
    const geometry = clampGeometry({ type: "polygon", points }, ctx.image);
    points = [];
    cursor = null;
    if (ctx.label === null || !isDrawable(geometry)) return;
    const shape = newShape(ctx.newId(), ctx.label, geometry);
    ctx.store.add(shape, "draw polygon");
    ctx.store.select(shape.id);
  }

  return {
    name: "polygon",
    cursor: "crosshair",
    down(ctx: ToolContext, e: ToolPointer): boolean {
      if (e.button !== 0) return false;
      if (ctx.label === null) {
        ctx.notify("Choose a label that allows polygons first");
        return true;
      }
      const p = clampPoint(e.p, ctx.image);
      const first = points[0];
      if (points.length >= 3 && first !== undefined && distance(p, first) <= ctx.tolerance) {
        finish(ctx);
        return true;
      }
      const last = points.at(-1);
      if (e.clicks >= 2 && points.length >= 3) {
        finish(ctx);
        return true;
      }
      if (last === undefined || distance(p, last) > ctx.tolerance / 4) points = [...points, p];
      cursor = p;
      return true;
    },
    move(ctx: ToolContext, e: ToolPointer): void {
      if (points.length > 0) cursor = clampPoint(e.p, ctx.image);
    },
    up(): void {},
    key(ctx: ToolContext, key: string): boolean {
      if (points.length === 0) return false;
      if (key === "Enter") {
        finish(ctx);
        return true;
      }
      if (key === "Escape") {
        this.cancel(ctx);
        return true;
      }
      if (key === "Backspace") {
        points = points.slice(0, -1);
        return true;
      }
      return false;
    },
    cancel(): void {
      points = [];
      cursor = null;
    },
    draft(): Geometry | null {
      if (points.length === 0) return null;
      return { type: "polyline", points: cursor === null ? points : [...points, cursor] };
    },
  };
}
