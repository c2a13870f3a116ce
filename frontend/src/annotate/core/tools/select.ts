/**
 * Select tool: click picks a shape; drag moves it; drag a handle to resize a box or move a vertex.
 * Alt+click on an edge of the selected polygon or polyline (or a double click there) adds a vertex;
 * Alt+click on a vertex removes it (a keypoint becomes "not visible"). Editing a pre-label makes
 * it human work.
 */
import {
  constrainShift, clampGeometry, clampPoint, insertVertex, isDrawable, moveVertex, removeVertex, resizeBox, translate,
} from "../geometry";
import { edgeAt, hitTest, type Handle } from "../hittest";
import { edited } from "../prelabels";
import type { Geometry, Point, Shape } from "../types";
import type { Tool, ToolContext, ToolPointer } from "./tool";

interface Drag {
  readonly original: Shape;
  readonly from: Point;
  readonly handle: Handle | null;
}

/** Arrow keys move the selection by this many image pixels. */
export const NUDGE = 1;

const shapesOf = (ctx: ToolContext): readonly Shape[] => ctx.visible?.() ?? ctx.store.all();

/** Alt+click or double click on the selected shape's vertex or edge: remove or add a vertex. */
function editVertices(ctx: ToolContext, e: ToolPointer): boolean {
  const id = ctx.store.selection;
  const shape = id === null ? undefined : ctx.store.get(id);
  if (shape === undefined || !(e.alt || e.clicks >= 2)) return false;
  const hit = hitTest([shape], e.p, ctx.tolerance, shape.id);
  if (e.alt && hit?.handle?.kind === "vertex") {
    const g = removeVertex(shape.geometry, hit.handle.index);
    if (g === null) ctx.notify("That would leave too few points; delete the shape instead");
    else ctx.store.update(edited(shape, { geometry: g }), "remove vertex");
    return true;
  }
  const at = hit?.handle ? null : edgeAt(shape, e.p, ctx.tolerance);
  if (at === null) return false;
  const g = clampGeometry(insertVertex(shape.geometry, at, clampPoint(e.p, ctx.image)), ctx.image);
  ctx.store.update(edited(shape, { geometry: g }), "add vertex");
  return true;
}

export function selectTool(): Tool {
  let drag: Drag | null = null;

  function dragged(ctx: ToolContext, d: Drag, p: Point): Geometry {
    const g = d.original.geometry;
    const q = clampPoint(p, ctx.image);
    if (d.handle === null) {
      const shift = constrainShift(g, p.x - d.from.x, p.y - d.from.y, ctx.image);
      return translate(g, shift.x, shift.y);
    }
    if (d.handle.kind === "corner" && g.type === "box") return resizeBox(g, d.handle.corner, q);
    if (d.handle.kind === "vertex") return moveVertex(g, d.handle.index, q);
    return g;
  }

  return {
    name: "select",
    cursor: "default",
    down(ctx: ToolContext, e: ToolPointer): boolean {
      if (e.button !== 0) return false;
      if (editVertices(ctx, e)) return true;
      const hit = hitTest(shapesOf(ctx), e.p, ctx.tolerance, ctx.store.selection);
      if (hit === null) {
        ctx.store.select(null);
        return false; // empty space: let the view pan
      }
      ctx.store.select(hit.id);
      const original = ctx.store.get(hit.id)!;
      drag = { original, from: e.p, handle: hit.handle };
      ctx.store.begin(hit.handle === null ? "move" : "reshape");
      return true;
    },
    move(ctx: ToolContext, e: ToolPointer): void {
      if (drag === null) return;
      ctx.store.update({ ...drag.original, geometry: dragged(ctx, drag, e.p) });
    },
    up(ctx: ToolContext, e: ToolPointer): void {
      if (drag === null) return;
      const geometry = clampGeometry(dragged(ctx, drag, e.p), ctx.image);
      const unchanged = JSON.stringify(geometry) === JSON.stringify(drag.original.geometry);
      if (isDrawable(geometry) && !unchanged) {
        ctx.store.update(edited(drag.original, { geometry }));
        ctx.store.commit();
      } else {
        ctx.store.rollback(); // a click, or a box squashed to nothing: keep the shape as it was
      }
      drag = null;
    },
    key(ctx: ToolContext, key: string): boolean {
      const id = ctx.store.selection;
      if (id === null) return false;
      if (key === "Escape") {
        if (drag !== null) this.cancel(ctx);
        else ctx.store.select(null);
        return true;
      }
      const step = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[key];
      if (step === undefined || drag !== null) return false;
      const shape = ctx.store.get(id)!;
      const shift = constrainShift(shape.geometry, step[0]! * NUDGE, step[1]! * NUDGE, ctx.image);
      if (shift.x !== 0 || shift.y !== 0)
        ctx.store.update(edited(shape, { geometry: clampGeometry(translate(shape.geometry, shift.x, shift.y), ctx.image) }), "nudge");
      return true;
    },
    cancel(ctx: ToolContext): void {
      if (drag !== null) ctx.store.rollback();
      drag = null;
    },
    draft(): Geometry | null {
      return null;
    },
  };
}
