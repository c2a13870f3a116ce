/** Zoom and pan: screen = image * scale + offset. Pure functions over an immutable viewport. */
import type { Point, Size } from "./types";

export interface Viewport {
  readonly scale: number;
  readonly x: number;
  readonly y: number;
}

export const MIN_SCALE = 0.02;
export const MAX_SCALE = 40;

export const IDENTITY: Viewport = { scale: 1, x: 0, y: 0 };

export function toScreen(v: Viewport, p: Point): Point {
  return { x: p.x * v.scale + v.x, y: p.y * v.scale + v.y };
}

export function toImage(v: Viewport, p: Point): Point {
  return { x: (p.x - v.x) / v.scale, y: (p.y - v.y) / v.scale };
}

/** Zoom by factor keeping the image point under `at` (screen) fixed. */
export function zoomAt(v: Viewport, at: Point, factor: number): Viewport {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, v.scale * factor));
  const anchor = toImage(v, at);
  return { scale, x: at.x - anchor.x * scale, y: at.y - anchor.y * scale };
}

export function panBy(v: Viewport, dx: number, dy: number): Viewport {
  return { ...v, x: v.x + dx, y: v.y + dy };
}

/** The viewport that shows the whole image centred in the view with a margin. */
export function fit(image: Size, view: Size, margin = 16): Viewport {
  if (image.width <= 0 || image.height <= 0 || view.width <= 0 || view.height <= 0) return IDENTITY;
  const scale = Math.min((view.width - 2 * margin) / image.width, (view.height - 2 * margin) / image.height);
  const s = Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
  return { scale: s, x: (view.width - image.width * s) / 2, y: (view.height - image.height * s) / 2 };
}
