/**
 * Keypoints tool: the label names its points (e.g. head, left hand, right hand); each click places
 * the next one, in that order. `N` marks the next point as not visible (hidden or out of frame),
 * Backspace takes the last one back, Escape abandons; the shape is made when every point is given.
 */
import { clampPoint } from "../geometry";
import { newShape, type Geometry, type Keypoint } from "../types";
import type { Tool, ToolContext, ToolPointer } from "./tool";

/** Where a point that is not visible is stored (the API needs coordinates; they mean nothing). */
const HIDDEN: Keypoint = { x: 0, y: 0, visible: false };

export function keypointsTool(): Tool {
  let placed: Keypoint[] = [];
  let cursor: Keypoint | null = null;

  function names(ctx: ToolContext): readonly string[] {
    return ctx.keypointNames ?? [];
  }

  function add(ctx: ToolContext, k: Keypoint): void {
    placed = [...placed, k];
    if (placed.length < names(ctx).length || ctx.label === null) return;
    const round = (v: number) => Math.round(v * 100) / 100;
    const geometry: Geometry = { type: "keypoints", points: placed.map((q) => ({ x: round(q.x), y: round(q.y), visible: q.visible })) };
    placed = [];
    cursor = null;
    if (!geometry.points.some((q) => q.visible)) return; // nothing to see: not an annotation
    const shape = newShape(ctx.newId(), ctx.label, geometry);
    ctx.store.add(shape, "place keypoints");
    ctx.store.select(shape.id);
  }

  return {
    name: "keypoints",
    cursor: "crosshair",
    down(ctx: ToolContext, e: ToolPointer): boolean {
      if (e.button !== 0) return false;
      if (ctx.label === null || names(ctx).length === 0) {
        ctx.notify("Choose a label that has keypoints first");
        return true;
      }
      const { x, y } = e.p;
      if (x < 0 || y < 0 || x > ctx.image.width || y > ctx.image.height) return true;
      add(ctx, { ...clampPoint(e.p, ctx.image), visible: true });
      return true;
    },
    move(ctx: ToolContext, e: ToolPointer): void {
      cursor = placed.length > 0 ? { ...clampPoint(e.p, ctx.image), visible: true } : null;
    },
    up(): void {},
    key(ctx: ToolContext, key: string): boolean {
      if (key.toLowerCase() === "n" && ctx.label !== null && names(ctx).length > 0) {
        add(ctx, HIDDEN);
        return true;
      }
      if (placed.length === 0) return false;
      if (key === "Backspace") {
        placed = placed.slice(0, -1);
        return true;
      }
      if (key === "Escape") {
        this.cancel(ctx);
        return true;
      }
      return false;
    },
    cancel(): void {
      placed = [];
      cursor = null;
    },
    draft(): Geometry | null {
      if (placed.length === 0) return null;
      return { type: "keypoints", points: cursor === null ? placed : [...placed, cursor] };
    },
    hint(ctx: ToolContext): string | null {
      const all = names(ctx);
      if (ctx.label === null || all.length === 0) return null;
      const next = all[placed.length];
      return next === undefined ? null : `Click the ${next} (${placed.length + 1} of ${all.length}); N: not visible`;
    },
  };
}
