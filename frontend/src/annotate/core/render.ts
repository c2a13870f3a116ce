/**
 * Canvas 2D rendering of the image, the shapes, the selection's handles and the shape being drawn.
 * Shapes that look alike (same colour, same kind of fill, same line style) are traced into one path
 * and filled and stroked once: thousands of boxes cost a few draw calls, not thousands.
 */
import { bounds } from "./geometry";
import { handlesOf } from "./hittest";
import type { Geometry, Point, Shape, Size } from "./types";
import { toImage, toScreen, type Viewport } from "./viewport";

export interface Scene {
  /** Canvas size in CSS pixels. */
  readonly view: Size;
  readonly pixelRatio: number;
  readonly viewport: Viewport;
  readonly image: CanvasImageSource | null;
  readonly imageSize: Size;
  readonly shapes: readonly Shape[];
  readonly selectedId: string | null;
  readonly hoverId: string | null;
  readonly draft: Geometry | null;
  readonly draftColor: string;
  colorOf(label: string): string;
}

const HANDLE = 4;
const DOT = 4;
/** A pre-label's score is written beside it when it is at least this tall on screen (px). */
const LABEL_MIN_PX = 18;

/** Add a geometry's outline to the current path (no beginPath: callers batch several). */
function trace(ctx: CanvasRenderingContext2D, v: Viewport, g: Geometry): void {
  if (g.type === "box") {
    const a = toScreen(v, g);
    ctx.rect(a.x, a.y, g.w * v.scale, g.h * v.scale);
  } else if (g.type === "point") {
    const a = toScreen(v, g);
    ctx.moveTo(a.x + DOT, a.y);
    ctx.arc(a.x, a.y, DOT, 0, Math.PI * 2);
  } else if (g.type === "keypoints") {
    for (const p of g.points) {
      if (!p.visible) continue;
      const a = toScreen(v, p);
      ctx.moveTo(a.x + DOT, a.y);
      ctx.arc(a.x, a.y, DOT, 0, Math.PI * 2);
    }
  } else if (g.type !== "span") {
    g.points.forEach((p: Point, i: number) => {
      const a = toScreen(v, p);
      if (i === 0) ctx.moveTo(a.x, a.y);
      else ctx.lineTo(a.x, a.y);
    });
    if (g.type === "polygon") ctx.closePath();
  }
}

function fillAlpha(color: string, alpha: number): string {
  const n = parseInt(color.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** How a shape is filled: areas lightly, dots solidly, lines not at all. */
function fillOf(g: Geometry, emphasis: boolean): number {
  if (g.type === "point" || g.type === "keypoints") return 0.9;
  if (g.type === "box" || g.type === "polygon") return emphasis ? 0.3 : 0.15;
  return 0;
}

function paint(ctx: CanvasRenderingContext2D, color: string, fill: number, dashed: boolean, emphasis: boolean): void {
  if (fill > 0) {
    ctx.fillStyle = fillAlpha(color, fill);
    ctx.fill();
  }
  ctx.setLineDash(dashed ? [6, 4] : []); // pre-labels look different from human work
  ctx.lineWidth = emphasis ? 3 : 2;
  ctx.strokeStyle = color;
  ctx.stroke();
  ctx.setLineDash([]);
}

/** Draw the whole scene; only shapes inside the visible part of the image are traced. */
export function render(ctx: CanvasRenderingContext2D, scene: Scene): void {
  const { view, viewport: v } = scene;
  ctx.setTransform(scene.pixelRatio, 0, 0, scene.pixelRatio, 0, 0);
  ctx.fillStyle = "#2b2f36";
  ctx.fillRect(0, 0, view.width, view.height);
  if (scene.image !== null) {
    ctx.imageSmoothingEnabled = v.scale < 2;
    ctx.drawImage(scene.image, v.x, v.y, scene.imageSize.width * v.scale, scene.imageSize.height * v.scale);
  }
  const tl = toImage(v, { x: 0, y: 0 });
  const br = toImage(v, { x: view.width, y: view.height });
  const groups = new Map<string, { color: string; fill: number; dashed: boolean; shapes: Shape[] }>();
  const emphasised: Shape[] = [];
  const scored: Shape[] = [];
  for (const s of scene.shapes) {
    const b = bounds(s.geometry);
    if (b.x > br.x || b.y > br.y || b.x + b.w < tl.x || b.y + b.h < tl.y) continue;
    if (s.id === scene.selectedId || s.id === scene.hoverId) {
      emphasised.push(s);
      continue;
    }
    const color = scene.colorOf(s.label);
    const fill = fillOf(s.geometry, false);
    const dashed = s.source === "model";
    const key = `${color}|${fill}|${dashed}`;
    const group = groups.get(key);
    if (group) group.shapes.push(s);
    else groups.set(key, { color, fill, dashed, shapes: [s] });
    if (dashed && s.score !== null && b.h * v.scale >= LABEL_MIN_PX) scored.push(s);
  }
  for (const g of groups.values()) {
    ctx.beginPath();
    for (const s of g.shapes) trace(ctx, v, s.geometry);
    paint(ctx, g.color, g.fill, g.dashed, false);
  }
  for (const s of emphasised) {
    ctx.beginPath();
    trace(ctx, v, s.geometry);
    paint(ctx, scene.colorOf(s.label), fillOf(s.geometry, true), s.source === "model", true);
    if (s.source === "model" && s.score !== null) scored.push(s);
  }
  if (scored.length > 0) {
    ctx.font = "12px system-ui, sans-serif";
    ctx.lineWidth = 3;
    ctx.strokeStyle = "rgba(0, 0, 0, 0.8)"; // a dark halo keeps the text readable on any image
    for (const s of scored) {
      const b = bounds(s.geometry);
      const a = toScreen(v, { x: b.x, y: b.y });
      const text = `${s.label} ${Math.round(s.score! * 100)}%`;
      const y = Math.max(12, a.y - 4);
      ctx.strokeText(text, a.x + 2, y);
      ctx.fillStyle = scene.colorOf(s.label);
      ctx.fillText(text, a.x + 2, y);
    }
  }
  const selected = emphasised.find((s) => s.id === scene.selectedId);
  if (selected) {
    ctx.beginPath();
    for (const { at } of handlesOf(selected)) {
      const a = toScreen(v, at);
      ctx.rect(a.x - HANDLE, a.y - HANDLE, HANDLE * 2, HANDLE * 2);
    }
    ctx.fillStyle = "#ffffff";
    ctx.fill();
    ctx.strokeStyle = "#111111";
    ctx.lineWidth = 1;
    ctx.stroke();
  }
  if (scene.draft !== null) drawDraft(ctx, v, scene.draft, scene.draftColor);
}

function drawDraft(ctx: CanvasRenderingContext2D, v: Viewport, draft: Geometry, color: string): void {
  ctx.beginPath();
  trace(ctx, v, draft);
  if (draft.type === "keypoints") {
    ctx.fillStyle = color;
    ctx.fill();
  }
  ctx.setLineDash([4, 3]);
  ctx.lineWidth = 2;
  ctx.strokeStyle = color;
  ctx.stroke();
  ctx.setLineDash([]);
  if (draft.type === "polyline") {
    ctx.fillStyle = color;
    for (const p of draft.points.slice(0, -1)) {
      const a = toScreen(v, p);
      ctx.fillRect(a.x - 3, a.y - 3, 6, 6);
    }
  }
}
