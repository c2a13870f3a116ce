/** A small picture of part of an image with one annotation drawn on it (SVG, in image pixels). */
import { bounds, fromApiGeometry, type Geometry, type Size } from "../../annotate/core";

interface Props {
  imageUrl: string;
  image: Size;
  type: string;
  geometry: unknown;
  color: string;
  /** Another geometry to frame as well, so two previews side by side show the same region. */
  frameWith?: { type: string; geometry: unknown };
  dashed?: boolean;
  title: string;
}

function frame(gs: Geometry[], image: Size): { x: number; y: number; w: number; h: number } {
  const bs = gs.map(bounds);
  const x0 = Math.min(...bs.map((b) => b.x)), y0 = Math.min(...bs.map((b) => b.y));
  const x1 = Math.max(...bs.map((b) => b.x + b.w)), y1 = Math.max(...bs.map((b) => b.y + b.h));
  // A margin of a third of the shape (at least 24 px) shows what is around it.
  const side = Math.max(x1 - x0, y1 - y0, 8);
  const m = Math.max(24, side / 3);
  const x = Math.max(0, x0 - m), y = Math.max(0, y0 - m);
  return { x, y, w: Math.min(image.width, x1 + m) - x, h: Math.min(image.height, y1 + m) - y };
}

function Shape({ g, color, dashed, unit }: { g: Geometry; color: string; dashed: boolean; unit: number }) {
  const style = { fill: "none", stroke: color, strokeWidth: 2 * unit, strokeDasharray: dashed ? `${6 * unit} ${4 * unit}` : undefined };
  switch (g.type) {
    case "box":
      return <rect x={g.x} y={g.y} width={g.w} height={g.h} style={style} />;
    case "polygon":
      return <polygon points={g.points.map((p) => `${p.x},${p.y}`).join(" ")} style={style} />;
    case "polyline":
      return <polyline points={g.points.map((p) => `${p.x},${p.y}`).join(" ")} style={style} />;
    case "point":
      return <circle cx={g.x} cy={g.y} r={4 * unit} style={{ ...style, fill: color }} />;
    case "keypoints":
      return <g>{g.points.filter((p) => p.visible).map((p, i) => <circle key={i} cx={p.x} cy={p.y} r={4 * unit} style={{ ...style, fill: color }} />)}</g>;
    case "span":
      return null;
  }
}

export function ShapePreview({ imageUrl, image, type, geometry, color, frameWith, dashed = false, title }: Props) {
  const g = fromApiGeometry(type, geometry);
  if (g === null || g.type === "span") return null;
  const other = frameWith ? fromApiGeometry(frameWith.type, frameWith.geometry) : null;
  const f = frame(other && other.type !== "span" ? [g, other] : [g], image);
  const unit = Math.max(f.w, f.h) / 180; // strokes look the same whatever the zoom
  return (
    <svg className="shape-preview" viewBox={`${f.x} ${f.y} ${f.w} ${f.h}`} role="img" aria-label={title}>
      <image href={imageUrl} x={0} y={0} width={image.width} height={image.height} preserveAspectRatio="none" />
      <Shape g={g} color={color} dashed={dashed} unit={unit} />
    </svg>
  );
}
