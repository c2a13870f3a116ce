/** The shape model of the annotation core: plain immutable data, no UI framework. */

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Keypoint extends Point {
  readonly visible: boolean;
}

/** Image geometry in image pixels (origin top-left), one variant per drawable type. */
export type Geometry =
  | { readonly type: "box"; readonly x: number; readonly y: number; readonly w: number; readonly h: number }
  | { readonly type: "polygon"; readonly points: readonly Point[] }
  | { readonly type: "polyline"; readonly points: readonly Point[] }
  | { readonly type: "point"; readonly x: number; readonly y: number }
  | { readonly type: "keypoints"; readonly points: readonly Keypoint[] }
  /** Characters [start, end) of a text, counted in Unicode code points as the API does. */
  | { readonly type: "span"; readonly start: number; readonly end: number }
  /** A file-level classification: a label (or none, "") and/or file attributes, nowhere on the file. */
  | { readonly type: "tag" };

export type ShapeType = Geometry["type"];
export type ImageGeometry = Exclude<Geometry, { type: "span" } | { type: "tag" }>;

export const SHAPE_TYPES: readonly ShapeType[] = ["box", "polygon", "polyline", "point", "keypoints", "span", "tag"];

/** One annotation instance as the editor sees it; replaced, never mutated. */
export interface Shape {
  readonly id: string;
  readonly label: string;
  readonly geometry: Geometry;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly source: "human" | "model";
  readonly score: number | null;
  readonly modelName: string | null;
}

export interface Size {
  readonly width: number;
  readonly height: number;
}

/** A human-drawn shape with no attributes yet. */
export function newShape(id: string, label: string, geometry: Geometry): Shape {
  return { id, label, geometry, attributes: {}, source: "human", score: null, modelName: null };
}

/** A random v4 UUID; works outside secure contexts too (plain http on a LAN host). */
export function newId(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === "function") return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = Array.from(b, (v) => v.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
