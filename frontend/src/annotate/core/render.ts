/** Canvas 2D rendering of the image, the shapes, the selection's handles and the shape being drawn. */
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

function trace(ctx: CanvasRenderingContext2D, v: Viewport, g: Geometry): void {
  ctx.beginPath();
  if (g.type === "box") {
    const a = toScreen(v, g);
    ctx.rect(a.x, a.y, g.w * v.scale, g.h * v.scale);
    return;
  }
  if (g.type === "point") {
    const a = toScreen(v, g);
    ctx.arc(a.x, a.y, 4, 0, Math.PI * 2);
    return;
  }
  if (g.type === "span") return;
  if (g.type === "keypoints") {
    for (const p of g.points) {
      if (!p.visible) continue;
      const a = toScreen(v, p);
      ctx.moveTo(a.x + 4, a.y);
      ctx.arc(a.x, a.y, 4, 0, Math.PI * 2);
    }
    return;
  }
  g.points.forEach((p: Point, i: number) => {
    const a = toScreen(v, p);
    if (i === 0) ctx.moveTo(a.x, a.y);
    else ctx.lineTo(a.x, a.y);
  });
  if (g.type === "polygon") ctx.closePath();
}

function fillAlpha(color: string, alpha: number): string {
  const n = parseInt(color.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

function drawShape(ctx: CanvasRenderingContext2D, v: Viewport, s: Shape, color: string, emphasis: boolean): void {
  const model = s.source === "model";
  trace(ctx, v, s.geometry);
  const filled = s.geometry.type === "box" || s.geometry.type === "polygon" || s.geometry.type === "point" || s.geometry.type === "keypoints";
  if (filled) {
    ctx.fillStyle = fillAlpha(color, s.geometry.type === "point" || s.geometry.type === "keypoints" ? 0.9 : emphasis ? 0.3 : 0.15);
    ctx.fill();
  }
  ctx.setLineDash(model ? [6, 4] : []); // pre-labels look different from human work
  ctx.lineWidth = emphasis ? 3 : 2;
  ctx.strokeStyle = color;
  ctx.stroke();
  ctx.setLineDash([]);
  if (model && s.score !== null) {
    const b = bounds(s.geometry);
    const a = toScreen(v, { x: b.x, y: b.y });
    ctx.font = "12px system-ui, sans-serif";
    ctx.fillStyle = color;
    ctx.fillText(`${s.label} ${Math.round(s.score * 100)}%`, a.x + 2, Math.max(12, a.y - 4));
  }
}

/** Draw the whole scene; only shapes inside the visible part of the image are traced. */
export function render(ctx: CanvasRenderingContext2D, scene: Scene): void {
  const { view, viewport: v } = scene;
  ctx.setTransform(scene.pixelRatio, 0, 0, scene.pixelRatio, 0, 0);
  ctx.clearRect(0, 0, view.width, view.height);
  ctx.fillStyle = "#2b2f36";
  ctx.fillRect(0, 0, view.width, view.height);
  if (scene.image !== null) {
    ctx.imageSmoothingEnabled = v.scale < 2;
    ctx.drawImage(scene.image, v.x, v.y, scene.imageSize.width * v.scale, scene.imageSize.height * v.scale);
  }
  const tl = toImage(v, { x: 0, y: 0 });
  const br = toImage(v, { x: view.width, y: view.height });
  for (const s of scene.shapes) {
    const b = bounds(s.geometry);
    if (b.x > br.x || b.y > br.y || b.x + b.w < tl.x || b.y + b.h < tl.y) continue;
    drawShape(ctx, v, s, scene.colorOf(s.label), s.id === scene.selectedId || s.id === scene.hoverId);
  }
  const selected = scene.shapes.find((s) => s.id === scene.selectedId);
  if (selected) {
    for (const { at } of handlesOf(selected)) {
      const a = toScreen(v, at);
      ctx.fillStyle = "#ffffff";
      ctx.strokeStyle = "#111111";
      ctx.lineWidth = 1;
      ctx.fillRect(a.x - HANDLE, a.y - HANDLE, HANDLE * 2, HANDLE * 2);
      ctx.strokeRect(a.x - HANDLE, a.y - HANDLE, HANDLE * 2, HANDLE * 2);
    }
  }
  if (scene.draft !== null) {
    trace(ctx, v, scene.draft);
    ctx.setLineDash([4, 3]);
    ctx.lineWidth = 2;
    ctx.strokeStyle = scene.draftColor;
    ctx.stroke();
    ctx.setLineDash([]);
    if (scene.draft.type === "polyline") {
      for (const p of scene.draft.points.slice(0, -1)) {
        const a = toScreen(v, p);
        ctx.fillStyle = scene.draftColor;
        ctx.fillRect(a.x - 3, a.y - 3, 6, 6);
      }
    }
  }
}
