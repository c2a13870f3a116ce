/**
 * A cached base layer for moving the view. While the view only pans, the image and the shapes are
 * drawn once into an off-screen bitmap larger than the view and each frame copies it at the new
 * offset; while it zooms, the bitmap is copied stretched (a little soft for a moment) and redrawn
 * at the new zoom when the stretch grows too large or the bitmap no longer covers the view. The
 * caller asks for one sharp frame when a zoom gesture pauses. Anything else (an edit, a new image,
 * a resize) draws directly, as before, and drops the bitmap.
 */
import { renderBase, renderOverlay, render, type Scene } from "./render";
import type { Viewport } from "./viewport";

/** A drawing surface off the screen (OffscreenCanvas in browsers; injected in tests). */
export interface Surface {
  readonly canvas: CanvasImageSource;
  readonly ctx: CanvasRenderingContext2D;
}
export type SurfaceFactory = (width: number, height: number) => Surface | null;

/** How far (a fraction of the view on each side) the bitmap reaches beyond the view. */
export const MARGIN = 0.5;
/** Zooming in stretches the bitmap at most this much before it is drawn again at the new zoom. */
export const MAX_STRETCH = 1.6;

export type LayerResult = "copied" | "scaled" | "built" | "direct";

interface Built {
  readonly surface: Surface;
  readonly viewport: Viewport;
  /** What the bitmap shows; a change of any of these makes it stale. */
  readonly shapes: Scene["shapes"];
  readonly image: Scene["image"];
  readonly width: number;
  readonly height: number;
  readonly pixelRatio: number;
  readonly colorOf: Scene["colorOf"];
  readonly mx: number;
  readonly my: number;
}

export class BaseLayer {
  private built: Built | null = null;
  private last: Viewport | null = null;

  constructor(private readonly make: SurfaceFactory) {}

  /** Draw the scene from the cached base layer where it can be; "scaled" asks for a sharp frame soon. */
  draw(ctx: CanvasRenderingContext2D, scene: Scene): LayerResult {
    const v = scene.viewport;
    const last = this.last;
    this.last = v;
    const moved = last !== null && (last.x !== v.x || last.y !== v.y || last.scale !== v.scale);
    const b = this.built;
    const same = b !== null && this.sameContent(b, scene);
    if (same && b.viewport.scale === v.scale && this.covers(b, scene, 1)) {
      this.copy(ctx, b, scene, 1);
      return "copied";
    }
    const zooming = last !== null && last.scale !== v.scale;
    const k = b === null ? 1 : v.scale / b.viewport.scale;
    if (same && zooming && k <= MAX_STRETCH && this.covers(b, scene, k)) {
      this.copy(ctx, b, scene, k);
      return "scaled";
    }
    this.built = null;
    if (moved) {
      const made = this.build(scene);
      if (made !== null) {
        this.built = made;
        this.copy(ctx, made, scene, 1);
        return "built";
      }
    }
    render(ctx, scene);
    return "direct";
  }

  /** Forget the bitmap (e.g. when the canvas goes away). */
  reset(): void {
    this.built = null;
    this.last = null;
  }

  private sameContent(b: Built, s: Scene): boolean {
    return b.shapes === s.shapes && b.image === s.image && b.colorOf === s.colorOf && b.width === s.view.width
      && b.height === s.view.height && b.pixelRatio === s.pixelRatio;
  }

  /** Where the bitmap lands on the screen (CSS pixels) for the scene's viewport, stretched by k. */
  private placement(b: Built, v: Viewport, k: number): { x: number; y: number; w: number; h: number } {
    // A bitmap pixel shows image point (px - m - B.x) / B.s, which the view puts at v.s * that + v.x.
    return {
      x: v.x - k * (b.viewport.x + b.mx), y: v.y - k * (b.viewport.y + b.my),
      w: k * (b.width + 2 * b.mx), h: k * (b.height + 2 * b.my),
    };
  }

  private covers(b: Built, s: Scene, k: number): boolean {
    const p = this.placement(b, s.viewport, k);
    return p.x <= 0 && p.y <= 0 && p.x + p.w >= s.view.width && p.y + p.h >= s.view.height;
  }

  private build(scene: Scene): Built | null {
    const { view, pixelRatio } = scene;
    const mx = Math.round(view.width * MARGIN), my = Math.round(view.height * MARGIN);
    const w = view.width + 2 * mx, h = view.height + 2 * my;
    const surface = this.make(Math.round(w * pixelRatio), Math.round(h * pixelRatio));
    if (surface === null) return null;
    const v = scene.viewport;
    renderBase(surface.ctx, { ...scene, view: { width: w, height: h }, viewport: { ...v, x: v.x + mx, y: v.y + my } }, true);
    return { surface, viewport: v, shapes: scene.shapes, image: scene.image, width: view.width, height: view.height,
      pixelRatio, colorOf: scene.colorOf, mx, my };
  }

  private copy(ctx: CanvasRenderingContext2D, b: Built, scene: Scene, k: number): void {
    const pr = scene.pixelRatio;
    const p = this.placement(b, scene.viewport, k);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    if (k === 1) {
      // Whole device pixels: a pan by whole CSS pixels stays sharp.
      ctx.drawImage(b.surface.canvas, Math.round(p.x * pr), Math.round(p.y * pr));
    } else {
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(b.surface.canvas, p.x * pr, p.y * pr, p.w * pr, p.h * pr);
    }
    renderOverlay(ctx, scene);
  }
}

/** Off-screen surfaces from OffscreenCanvas; null where there is none (then every frame draws directly). */
export const offscreenSurfaces: SurfaceFactory = (width, height) => {
  if (typeof OffscreenCanvas === "undefined" || width <= 0 || height <= 0) return null;
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext("2d") as unknown as CanvasRenderingContext2D | null;
  return ctx === null ? null : { canvas, ctx };
};
