/** Box tool: press at one corner, drag, release at the opposite corner. */
import { clampGeometry, clampPoint, isDrawable, rectFromCorners } from "../geometry";
import { newShape, type Geometry, type Point } from "../types";
import type { Tool, ToolContext, ToolPointer } from "./tool";

export const MIN_BOX = 2;

export function boxTool(): Tool {
  let start: Point | null = null;
  let end: Point | null = null;
  return {
    name: "box",
    cursor: "crosshair",
    down(ctx: ToolContext, e: ToolPointer): boolean {
      if (e.button !== 0) return false;
      if (ctx.label === null) {
        ctx.notify("Choose a label that allows boxes first");
        return true;
      }
      start = end = clampPoint(e.p, ctx.image);
      return true;
    },
    move(ctx: ToolContext, e: ToolPointer): void {
      if (start !== null) end = clampPoint(e.p, ctx.image);
    },
    up(ctx: ToolContext, e: ToolPointer): void {
      if (start === null || ctx.label === null) return;
      const geometry = clampGeometry({ type: "box", ...rectFromCorners(start, clampPoint(e.p, ctx.image)) }, ctx.image);
      start = end = null;
      if (!isDrawable(geometry, MIN_BOX)) return;
      const shape = newShape(ctx.newId(), ctx.label, geometry);
      ctx.store.add(shape, "draw box");
      ctx.store.select(shape.id);
    },
    key(ctx: ToolContext, key: string): boolean {
      if (key === "Escape" && start !== null) {
        this.cancel(ctx);
        return true;
      }
      return false;
    },
    cancel(): void {
      start = end = null;
    },
    draft(): Geometry | null {
      return start === null || end === null ? null : { type: "box", ...rectFromCorners(start, end) };
    },
  };
}
