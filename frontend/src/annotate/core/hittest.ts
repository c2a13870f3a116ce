/** Hit-testing in image pixels: which shape, and which handle of it, lies under a point. */
import { CORNERS, type Corner, bounds, cornerPoint, distance, distanceToSegment, pointInPolygon, polygonArea } from "./geometry";
import type { Point, Shape } from "./types";

export type Handle = { readonly kind: "corner"; readonly corner: Corner } | { readonly kind: "vertex"; readonly index: number };

export interface Hit {
  readonly id: string;
  /** A resize/vertex handle of the shape, or null for its body. */
  readonly handle: Handle | null;
}

/** The handles a selected shape shows, with their positions. */
export function handlesOf(shape: Shape): { handle: Handle; at: Point }[] {
  const g = shape.geometry;
  if (g.type === "box") return CORNERS.map((corner) => ({ handle: { kind: "corner", corner }, at: cornerPoint(g, corner) }));
  if (g.type === "point") return [{ handle: { kind: "vertex", index: 0 }, at: g }];
  if (g.type === "span" || g.type === "tag") return [];
  if (g.type === "keypoints") {
    // Points that are not visible have no position to grab.
    return g.points.flatMap((p, index) => (p.visible ? [{ handle: { kind: "vertex", index } as const, at: p }] : []));
  }
  return g.points.map((p, index) => ({ handle: { kind: "vertex", index }, at: p }));
}

/**
 * The edge of a polygon or polyline within `tol` of p: the index a vertex inserted there takes
 * (the edge from vertex i-1 to vertex i answers i). Null when no edge is that near.
 */
export function edgeAt(shape: Shape, p: Point, tol: number): number | null {
  const g = shape.geometry;
  if (g.type !== "polygon" && g.type !== "polyline") return null;
  const n = g.points.length;
  let best: { index: number; d: number } | null = null;
  for (let i = 0; i + 1 < n + (g.type === "polygon" ? 1 : 0); i++) {
    const d = distanceToSegment(p, g.points[i]!, g.points[(i + 1) % n]!);
    if (d <= tol && (best === null || d < best.d)) best = { index: i + 1, d };
  }
  return best?.index ?? null;
}

function nearEdge(shape: Shape, p: Point, tol: number): boolean {
  const g = shape.geometry;
  if (g.type === "point") return distance(p, g) <= tol;
  if (g.type === "keypoints") return g.points.some((q) => q.visible && distance(p, q) <= tol);
  if (g.type === "span" || g.type === "tag") return false; // not on the image
  const pts: readonly Point[] =
    g.type === "box"
      ? [cornerPoint(g, "nw"), cornerPoint(g, "ne"), cornerPoint(g, "se"), cornerPoint(g, "sw")]
      : g.points;
  const closed = g.type !== "polyline";
  for (let i = 0; i + 1 < pts.length + (closed ? 1 : 0); i++) {
    if (distanceToSegment(p, pts[i]!, pts[(i + 1) % pts.length]!) <= tol) return true;
  }
  return false;
}

function interiorArea(shape: Shape, p: Point): number | null {
  const g = shape.geometry;
  if (g.type === "box") return p.x >= g.x && p.x <= g.x + g.w && p.y >= g.y && p.y <= g.y + g.h ? g.w * g.h : null;
  if (g.type === "polygon") return pointInPolygon(p, g.points) ? polygonArea(g.points) : null;
  return null;
}

/**
 * The shape under p (tolerance `tol` in image pixels). The selected shape's handles win, then
 * the topmost shape whose outline (or point) is within reach, then the smallest shape containing
 * p, so a small box inside a big one can still be picked.
 */
export function hitTest(shapes: readonly Shape[], p: Point, tol: number, selectedId: string | null = null): Hit | null {
  const selected = selectedId === null ? undefined : shapes.find((s) => s.id === selectedId);
  if (selected) {
    for (const { handle, at } of handlesOf(selected)) if (distance(p, at) <= tol) return { id: selected.id, handle };
  }
  for (let i = shapes.length - 1; i >= 0; i--) {
    const s = shapes[i]!;
    if (nearEdge(s, p, tol)) return { id: s.id, handle: null };
  }
  let best: { id: string; area: number } | null = null;
  for (let i = shapes.length - 1; i >= 0; i--) {
    const s = shapes[i]!;
    const area = interiorArea(s, p);
    if (area !== null && (best === null || area < best.area)) best = { id: s.id, area };
  }
  return best === null ? null : { id: best.id, handle: null };
}

/** Shapes whose bounds meet the rectangle (for culling what is drawn). */
export function inRect(shapes: readonly Shape[], r: { x: number; y: number; w: number; h: number }): Shape[] {
  return shapes.filter((s) => {
    const b = bounds(s.geometry);
    return b.x <= r.x + r.w && b.x + b.w >= r.x && b.y <= r.y + r.h && b.y + b.h >= r.y;
  });
}
