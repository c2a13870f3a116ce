/** Conversion between the core's shapes and the API's annotation bodies (generated types). */
import type { components } from "../../api/schema";
import type { Geometry, Keypoint, Point, Shape, ShapeType } from "./types";
import { SHAPE_TYPES } from "./types";

type S = components["schemas"];
export type ApiGeometry =
  | S["BoxGeometry"]
  | S["PointGeometry"]
  | S["PolygonGeometry"]
  | S["PolylineGeometry"]
  | S["KeypointsGeometry"]
  | S["SpanGeometry"];
export type ApiShapeIn = S["BoxIn"] | S["PointIn"] | S["PolygonIn"] | S["PolylineIn"] | S["KeypointsIn"] | S["SpanIn"] | Omit<S["TagIn"], "geometry">;
export type ApiAnnotation = S["AnnotationRead"];

const pair = (p: Point): [number, number] => [p.x, p.y];

/** The API's geometry object for a core geometry (a tag has none). */
export function toApiGeometry(g: Geometry): ApiGeometry | null {
  switch (g.type) {
    case "box":
      return { x: g.x, y: g.y, w: g.w, h: g.h };
    case "point":
      return { x: g.x, y: g.y };
    case "polygon":
    case "polyline":
      return { points: g.points.map(pair) };
    case "keypoints":
      return { points: g.points.map((p) => ({ x: p.x, y: p.y, visible: p.visible })) };
    case "span":
      return { start: g.start, end: g.end };
    case "tag":
      return null;
  }
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

function xy(raw: unknown): Point | null {
  if (Array.isArray(raw) && raw.length === 2) {
    const x = num(raw[0]), y = num(raw[1]);
    return x === null || y === null ? null : { x, y };
  }
  return null;
}

function pointsOf(raw: Record<string, unknown>): Point[] | null {
  if (!Array.isArray(raw.points)) return null;
  const pts = raw.points.map(xy);
  return pts.every((p): p is Point => p !== null) ? pts : null;
}

/** A core geometry from the API's (type, geometry); null for shapes the image editor does not draw. */
export function fromApiGeometry(type: string, raw: unknown): Geometry | null {
  if (type === "tag") return { type: "tag" };
  if (!(SHAPE_TYPES as readonly string[]).includes(type) || typeof raw !== "object" || raw === null) return null;
  const r = raw as Record<string, unknown>;
  switch (type as ShapeType) {
    case "box": {
      const x = num(r.x), y = num(r.y), w = num(r.w), h = num(r.h);
      return x === null || y === null || w === null || h === null ? null : { type: "box", x, y, w, h };
    }
    case "point": {
      const x = num(r.x), y = num(r.y);
      return x === null || y === null ? null : { type: "point", x, y };
    }
    case "polygon":
    case "polyline": {
      const points = pointsOf(r);
      return points === null ? null : { type: type as "polygon" | "polyline", points };
    }
    case "keypoints": {
      if (!Array.isArray(r.points)) return null;
      const points: Keypoint[] = [];
      for (const k of r.points as unknown[]) {
        const o = (k ?? {}) as Record<string, unknown>;
        const x = num(o.x), y = num(o.y);
        if (x === null || y === null) return null;
        points.push({ x, y, visible: o.visible !== false });
      }
      return { type: "keypoints", points };
    }
    case "span": {
      const start = num(r.start), end = num(r.end);
      return start === null || end === null || !Number.isInteger(start) || !Number.isInteger(end) ? null
        : { type: "span", start, end };
    }
    case "tag":
      return { type: "tag" };
  }
}

/** The editor's shape for an annotation read from the API (labels are resolved by id; a tag may have none: ""). */
export function fromApi(a: ApiAnnotation, labelName: (labelId: number | null) => string | null): Shape | null {
  const geometry = fromApiGeometry(a.type, a.geometry);
  const label = a.type === "tag" && a.label_id === null ? "" : labelName(a.label_id);
  if (geometry === null || label === null) return null;
  return {
    id: a.id,
    label,
    geometry,
    attributes: a.attributes,
    source: a.source === "model" ? "model" : "human",
    score: a.score,
    modelName: a.model_name,
  };
}

/** The body that creates this shape under `schemaId` with the id `serverId`. */
export function toApiCreate(shape: Shape, schemaId: number, serverId: string): ApiShapeIn {
  const common = {
    id: serverId,
    schema_id: schemaId,
    label: shape.label,
    attributes: { ...shape.attributes },
    source: shape.source,
    model_name: shape.modelName,
    score: shape.score,
  };
  const g = shape.geometry;
  switch (g.type) {
    case "box":
      return { ...common, type: "box", geometry: { x: g.x, y: g.y, w: g.w, h: g.h } };
    case "point":
      return { ...common, type: "point", geometry: { x: g.x, y: g.y } };
    case "polygon":
      return { ...common, type: "polygon", geometry: { points: g.points.map(pair) } };
    case "polyline":
      return { ...common, type: "polyline", geometry: { points: g.points.map(pair) } };
    case "keypoints":
      return { ...common, type: "keypoints", geometry: { points: g.points.map((p) => ({ ...p })) } };
    case "span":
      return { ...common, type: "span", geometry: { start: g.start, end: g.end } };
    case "tag":
      return { ...common, label: shape.label || null, type: "tag" };
  }
}

/** The PATCH body that turns `before` into `after` (only the fields that changed). */
export function toApiUpdate(before: Shape, after: Shape, version: number): S["AnnotationUpdate"] {
  const body: S["AnnotationUpdate"] = { version };
  if (before.label !== after.label) body.label = after.label || null;
  if (JSON.stringify(before.geometry) !== JSON.stringify(after.geometry))
    body.geometry = toApiGeometry(after.geometry) as unknown as Record<string, unknown> | null;
  if (JSON.stringify(before.attributes) !== JSON.stringify(after.attributes)) body.attributes = { ...after.attributes };
  if (before.source === "model" && after.source === "human") body.source = "human"; // accepted or corrected
  return body;
}

/** Do two shapes carry the same content (what the server would store)? */
export function sameContent(a: Shape, b: Shape): boolean {
  return (
    a === b ||
    (a.label === b.label &&
    a.source === b.source &&
    JSON.stringify(a.geometry) === JSON.stringify(b.geometry) &&
    JSON.stringify(a.attributes) === JSON.stringify(b.attributes))
  );
}
