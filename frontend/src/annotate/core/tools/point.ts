/** Point tool: each click places a point. */
import { clampGeometry } from "../geometry";
import { newShape, type Geometry } from "../types";
import type { Tool, ToolContext, ToolPointer } from "./tool";

export function pointTool(): Tool {
  return {
    name: "point",
    cursor: "crosshair",
    down(ctx: ToolContext, e: ToolPointer): boolean {
      if (e.button !== 0) return false;
      if (ctx.label === null) {
        ctx.notify("Choose a label that allows points first");
        return true;
      }
      const { x, y } = e.p;
      if (x < 0 || y < 0 || x > ctx.image.width || y > ctx.image.height) return true;
      const shape = newShape(ctx.newId(), ctx.label, clampGeometry({ type: "point", x, y }, ctx.image));
      ctx.store.add(shape, "place point");
      ctx.store.select(shape.id);
      return true;
    },
    move(): void {},
    up(): void {},
    key(): boolean {
      return false;
    },
    cancel(): void {},
    draft(): Geometry | null {
      return null;
    },
  };
}
