/**
 * What the polygon and polyline tools share: each click adds a vertex, Enter or a double click
 * finishes, Backspace drops the last vertex, Escape abandons; the polygon also closes on its
 * first vertex.
 */
import { clampGeometry, clampPoint, distance, isDrawable } from "../geometry";
import { newShape, type Geometry, type Point } from "../types";
import type { Tool, ToolContext, ToolPointer } from "./tool";

interface PathOptions {
  readonly name: "polygon" | "polyline";
  /** Vertices needed before the shape can be finished. */
  readonly min: number;
  /** A click on the first vertex finishes (closes) the shape. */
  readonly closeOnFirst: boolean;
}

export function pathTool({ name, min, closeOnFirst }: PathOptions): Tool {
  let points: Point[] = [];
  let cursor: Point | null = null;

  function finish(ctx: ToolContext): void {
    if (points.length < min) {
      ctx.notify(`A ${name} needs ${min} points at least`); // keep drawing: the points so far stay
      return;
    }
    const geometry = clampGeometry({ type: name, points }, ctx.image);
    points = [];
    cursor = null;
    if (ctx.label === null || !isDrawable(geometry)) return;
    const shape = newShape(ctx.newId(), ctx.label, geometry);
    ctx.store.add(shape, `draw ${name}`);
    ctx.store.select(shape.id);
  }

  return {
    name,
    cursor: "crosshair",
    down(ctx: ToolContext, e: ToolPointer): boolean {
      if (e.button !== 0) return false;
      if (ctx.label === null) {
        ctx.notify(`Choose a label that allows ${name}s first`);
        return true;
      }
      const p = clampPoint(e.p, ctx.image);
      const first = points[0];
      if (closeOnFirst && points.length >= min && first !== undefined && distance(p, first) <= ctx.tolerance) {
        finish(ctx);
        return true;
      }
      if (e.clicks >= 2 && points.length >= min) {
        finish(ctx);
        return true;
      }
      const last = points.at(-1);
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
    hint(): string | null {
      if (points.length === 0) return null;
      const more = min - points.length;
      return more > 0 ? `${more} more point${more === 1 ? "" : "s"} at least` : `Enter or double-click finishes the ${name}`;
    },
  };
}
