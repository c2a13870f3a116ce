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
  } else if (g.type !== "span" && g.type !== "tag") {
    g.points.forEach((p: Point, i: number) => {
      const a = toScreen(v, p);
      if (i === 0) ctx.moveTo(a.x, a.y);
      else ctx.lineTo(a.x, a.y);
    });
    if (g.type === "polygon") ctx.closePath();
  }
}

/**
 * Captions are drawn once into a small bitmap and then copied: laying out text is far dearer than
 * copying pixels, and a view of pre-labels shows the same few "label NN%" strings again and again.
 */
const captions = new Map<string, CanvasImageSource>();
const CAPTION_CACHE = 512;

function drawCaption(ctx: CanvasRenderingContext2D, text: string, color: string, x: number, baseline: number): void {
  const key = `${color}|${text}`;
  let sprite = captions.get(key);
  if (sprite === undefined && typeof OffscreenCanvas !== "undefined") {
    const measure = new OffscreenCanvas(1, 1).getContext("2d");
    if (measure) {
      measure.font = CAPTION_FONT;
      const width = Math.ceil(measure.measureText(text).width) + 6;
      const canvas = new OffscreenCanvas(width, 18);
      const c = canvas.getContext("2d");
      if (c) {
        paintCaption(c, text, color, 3, 14);
        if (captions.size >= CAPTION_CACHE) captions.clear();
        captions.set(key, canvas);
        sprite = canvas;
      }
    }
  }
  if (sprite !== undefined) ctx.drawImage(sprite, x - 3, baseline - 14);
  else paintCaption(ctx, text, color, x, baseline); // no OffscreenCanvas: draw the text itself
}

const CAPTION_FONT = "12px system-ui, sans-serif";

function paintCaption(ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, text: string, color: string,
                      x: number, baseline: number): void {
  ctx.font = CAPTION_FONT;
  ctx.lineWidth = 3;
  ctx.strokeStyle = "rgba(0, 0, 0, 0.8)"; // a dark halo keeps the text readable on any image
  ctx.strokeText(text, x, baseline);
  ctx.fillStyle = color;
  ctx.fillText(text, x, baseline);
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
  renderBase(ctx, scene, false);
  renderOverlay(ctx, scene);
}

const isEmphasised = (scene: Scene, s: Shape) => s.id === scene.selectedId || s.id === scene.hoverId;

/** The shapes whose bounds meet the view. */
function inView(scene: Scene, shapes: readonly Shape[]): Shape[] {
  const { view, viewport: v } = scene;
  const tl = toImage(v, { x: 0, y: 0 });
  const br = toImage(v, { x: view.width, y: view.height });
  return shapes.filter((s) => {
    if (s.geometry.type === "tag") return false; // on no part of the image
    const b = bounds(s.geometry);
    return !(b.x > br.x || b.y > br.y || b.x + b.w < tl.x || b.y + b.h < tl.y);
  });
}

function caption(ctx: CanvasRenderingContext2D, scene: Scene, s: Shape): void {
  const b = bounds(s.geometry);
  const a = toScreen(scene.viewport, { x: b.x, y: b.y });
  drawCaption(ctx, `${s.label} ${Math.round(s.score! * 100)}%`, scene.colorOf(s.label), a.x + 2, Math.max(12, a.y - 4));
}

/**
 * The background, the image and the shapes in their plain look, batched by look. The selected and
 * hovered shapes are left to the overlay, unless `all` (a cached base layer, drawn under an overlay
 * that changes more often than it).
 */
export function renderBase(ctx: CanvasRenderingContext2D, scene: Scene, all: boolean): void {
  const { view, viewport: v } = scene;
  ctx.setTransform(scene.pixelRatio, 0, 0, scene.pixelRatio, 0, 0);
  ctx.fillStyle = "#2b2f36";
  ctx.fillRect(0, 0, view.width, view.height);
  if (scene.image !== null) {
    ctx.imageSmoothingEnabled = v.scale < 2;
    ctx.drawImage(scene.image, v.x, v.y, scene.imageSize.width * v.scale, scene.imageSize.height * v.scale);
  }
  const groups = new Map<string, { color: string; fill: number; dashed: boolean; shapes: Shape[] }>();
  const scored: Shape[] = [];
  for (const s of inView(scene, scene.shapes)) {
    if (!all && isEmphasised(scene, s)) continue;
    const color = scene.colorOf(s.label);
    const fill = fillOf(s.geometry, false);
    const dashed = s.source === "model";
    const key = `${color}|${fill}|${dashed}`;
    const group = groups.get(key);
    if (group) group.shapes.push(s);
    else groups.set(key, { color, fill, dashed, shapes: [s] });
    if (dashed && s.score !== null && bounds(s.geometry).h * v.scale >= LABEL_MIN_PX) scored.push(s);
  }
  for (const g of groups.values()) {
    ctx.beginPath();
    for (const s of g.shapes) trace(ctx, v, s.geometry);
    paint(ctx, g.color, g.fill, g.dashed, false);
  }
  for (const s of scored) caption(ctx, scene, s);
}

/** What changes with the pointer: the selected and hovered shapes, the selection's handles, the draft. */
export function renderOverlay(ctx: CanvasRenderingContext2D, scene: Scene): void {
  const v = scene.viewport;
  ctx.setTransform(scene.pixelRatio, 0, 0, scene.pixelRatio, 0, 0);
  const emphasised = scene.selectedId === null && scene.hoverId === null ? []
    : inView(scene, scene.shapes.filter((s) => isEmphasised(scene, s)));
  for (const s of emphasised) {
    ctx.beginPath();
    trace(ctx, v, s.geometry);
    paint(ctx, scene.colorOf(s.label), fillOf(s.geometry, true), s.source === "model", true);
    if (s.source === "model" && s.score !== null) caption(ctx, scene, s);
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
