/** Pure geometry: bounds, distances, moves, resizes and clamping of shapes in image pixels. */
import type { Geometry, Point, Size } from "./types";

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export type Corner = "nw" | "ne" | "sw" | "se";
export const CORNERS: readonly Corner[] = ["nw", "ne", "sw", "se"];

/** The axis-aligned bounds of a geometry. */
export function bounds(g: Geometry): Rect {
  if (g.type === "box") return { x: g.x, y: g.y, w: g.w, h: g.h };
  if (g.type === "point") return { x: g.x, y: g.y, w: 0, h: 0 };
  if (g.type === "span") return { x: g.start, y: 0, w: g.end - g.start, h: 0 }; // along the text
  if (g.type === "tag") return { x: 0, y: 0, w: 0, h: 0 };
  const pts: readonly Point[] = g.points;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const p of pts) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x);
    maxY = Math.max(maxY, p.y);
  }
  if (pts.length === 0) return { x: 0, y: 0, w: 0, h: 0 };
  return { x: minX, y: minY, w: maxX - minX, h: maxY - minY };
}

/** The box spanned by two opposite corners, in either order. */
export function rectFromCorners(a: Point, b: Point): Rect {
  return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), w: Math.abs(a.x - b.x), h: Math.abs(a.y - b.y) };
}

export function cornerPoint(r: Rect, c: Corner): Point {
  return { x: c === "nw" || c === "sw" ? r.x : r.x + r.w, y: c === "nw" || c === "ne" ? r.y : r.y + r.h };
}

function opposite(c: Corner): Corner {
  return ({ nw: "se", ne: "sw", sw: "ne", se: "nw" } as const)[c];
}

export function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** Distance from p to the segment a–b. */
export function distanceToSegment(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x, dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2));
  return distance(p, { x: a.x + t * dx, y: a.y + t * dy });
}

/** Even-odd ray casting: is p inside the polygon? */
export function pointInPolygon(p: Point, poly: readonly Point[]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const a = poly[i]!, b = poly[j]!;
    if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}

/** Area of a polygon (absolute, shoelace). */
export function polygonArea(poly: readonly Point[]): number {
  let s = 0;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) s += (poly[j]!.x + poly[i]!.x) * (poly[j]!.y - poly[i]!.y);
  return Math.abs(s / 2);
}

/** The geometry shifted by (dx, dy). */
export function translate(g: Geometry, dx: number, dy: number): Geometry {
  switch (g.type) {
    case "box":
    case "point":
      return { ...g, x: g.x + dx, y: g.y + dy };
    case "polygon":
    case "polyline":
      return { ...g, points: g.points.map((p) => ({ x: p.x + dx, y: p.y + dy })) };
    case "keypoints":
      return { ...g, points: g.points.map((p) => ({ ...p, x: p.x + dx, y: p.y + dy })) };
    case "span":
    case "tag":
      return g;
  }
}

/** A shift that keeps the geometry's bounds inside the image (moves stop at the edge). */
export function constrainShift(g: Geometry, dx: number, dy: number, image: Size): Point {
  const b = bounds(g);
  return {
    x: Math.min(Math.max(dx, -b.x), image.width - (b.x + b.w)),
    y: Math.min(Math.max(dy, -b.y), image.height - (b.y + b.h)),
  };
}

/** A box with one corner dragged to p, the opposite corner fixed (the box may flip). */
export function resizeBox(g: Geometry & { type: "box" }, corner: Corner, p: Point): Geometry {
  const r = rectFromCorners(cornerPoint(g, opposite(corner)), p);
  return { type: "box", ...r };
}

/** The geometry with vertex i moved to p (polygon, polyline, keypoints). */
export function moveVertex(g: Geometry, index: number, p: Point): Geometry {
  if (g.type === "polygon" || g.type === "polyline")
    return { ...g, points: g.points.map((q, i) => (i === index ? { x: p.x, y: p.y } : q)) };
  if (g.type === "keypoints")
    return { ...g, points: g.points.map((q, i) => (i === index ? { ...q, x: p.x, y: p.y } : q)) };
  if (g.type === "point") return { ...g, x: p.x, y: p.y };
  return g;
}

export function clampPoint(p: Point, image: Size): Point {
  return { x: Math.min(Math.max(p.x, 0), image.width), y: Math.min(Math.max(p.y, 0), image.height) };
}

const round2 = (v: number): number => Math.round(v * 100) / 100;

/** Clamped inside the image and rounded to 1/100 px, as the server stores it. */
export function clampGeometry(g: Geometry, image: Size): Geometry {
  const c = (p: Point): Point => {
    const q = clampPoint(p, image);
    return { x: round2(q.x), y: round2(q.y) };
  };
  switch (g.type) {
    case "box": {
      const r = rectFromCorners(c({ x: g.x, y: g.y }), c({ x: g.x + g.w, y: g.y + g.h }));
      // Rounding can push x + w a hair past the edge in floating point; the server refuses that.
      const fitted = (start: number, len: number, max: number): number => {
        const v = round2(len);
        return start + v > max ? round2(v - 0.01) : v;
      };
      return { type: "box", x: r.x, y: r.y, w: fitted(r.x, r.w, image.width), h: fitted(r.y, r.h, image.height) };
    }
    case "point":
      return { type: "point", ...c(g) };
    case "polygon":
    case "polyline":
      return { ...g, points: g.points.map(c) };
    case "keypoints":
      return { ...g, points: g.points.map((p) => ({ ...c(p), visible: p.visible })) };
    case "span":
    case "tag":
      return g;
  }
}

/** Can the server accept this geometry (a box with area, a polygon with 3 points...)? */
export function isDrawable(g: Geometry, minSize = 1): boolean {
  switch (g.type) {
    case "box":
      return g.w >= minSize && g.h >= minSize;
    case "polygon":
      return g.points.length >= 3 && polygonArea(g.points) > 0;
    case "polyline":
      return g.points.length >= 2;
    case "point":
      return true;
    case "keypoints":
      return g.points.length >= 1;
    case "span":
      return g.end > g.start && g.start >= 0;
    case "tag":
      return true;
  }
}

/** The geometry with a new vertex p inserted before index i (polygon, polyline). */
export function insertVertex(g: Geometry, index: number, p: Point): Geometry {
  if (g.type !== "polygon" && g.type !== "polyline") return g;
  const points = [...g.points];
  points.splice(index, 0, { x: p.x, y: p.y });
  return { ...g, points };
}

/**
 * The geometry without vertex i, or null when the shape would no longer be drawable (a polygon
 * needs three vertices, a polyline two). A keypoint is not removed but marked not visible.
 */
export function removeVertex(g: Geometry, index: number): Geometry | null {
  if (g.type === "keypoints") {
    const points = g.points.map((q, i) => (i === index ? { x: 0, y: 0, visible: false } : q));
    return points.some((q) => q.visible) ? { ...g, points } : null;
  }
  if (g.type !== "polygon" && g.type !== "polyline") return null;
  const out = { ...g, points: g.points.filter((_, i) => i !== index) };
  return isDrawable(out) ? out : null;
}
