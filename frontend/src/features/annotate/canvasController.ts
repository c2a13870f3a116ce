/**
 * The drawing surface's engine, outside React: owns the viewport, turns pointer events into tool
 * calls in image coordinates, zooms with the wheel, pans (middle button, Space+drag, or a drag
 * on empty space) and draws at most once per animation frame.
 */
import {
  type AnnotationStore, type Shape, type Size, type Tool, type ToolContext, type ToolPointer, type Viewport,
  BaseLayer, IDENTITY, fit, hitTest, newId, offscreenSurfaces, panBy, shownAt, toImage, zoomAt,
} from "../../annotate/core";

export interface CanvasInputs {
  readonly store: AnnotationStore;
  readonly tool: Tool;
  readonly label: string | null;
  readonly imageSize: Size;
  /** Keypoint names of the label new shapes get (the keypoints tool places them in order). */
  readonly keypointNames: readonly string[] | null;
  /** Pre-labels scoring below this (0–1) are neither drawn nor picked. */
  readonly scoreFloor: number;
  colorOf(label: string): string;
  notify(message: string): void;
  onZoom(scale: number): void;
}

const TOLERANCE_PX = 6;
const DOUBLE_CLICK_MS = 400;
const SHARPEN_MS = 120;

export class CanvasController {
  private view: Size = { width: 0, height: 0 };
  private viewport: Viewport = IDENTITY;
  private image: HTMLImageElement | null = null;
  // The image follows the view's size until the person zooms or pans (then it stays where they put it).
  private autoFit = true;
  private frame = 0;
  private pan: { x: number; y: number } | null = null;
  private space = false;
  private hover: string | null = null;
  private lastDown = { t: 0, x: 0, y: 0 };
  private canvas: HTMLCanvasElement | null = null;
  private cleanup: (() => void)[] = [];
  private shown: { all: readonly Shape[]; floor: number; list: readonly Shape[] } | null = null;
  // Panning copies a cached bitmap of the image and the shapes instead of drawing them again.
  private layer = new BaseLayer(offscreenSurfaces);
  private sharpen = 0;

  constructor(private inputs: CanvasInputs) {}

  /** New props from the view; a changed tool abandons what the old one had half drawn. */
  update(inputs: CanvasInputs): void {
    if (inputs.tool !== this.inputs.tool) this.inputs.tool.cancel(this.context());
    const storeChanged = inputs.store !== this.inputs.store;
    this.inputs = inputs;
    if (storeChanged && this.canvas) {
      this.detach();
      this.attach(this.canvas);
    }
    this.schedule();
  }

  attach(canvas: HTMLCanvasElement): void {
    this.canvas = canvas;
    const box = canvas.parentElement ?? canvas;
    const ro = new ResizeObserver(() => this.resize(box));
    ro.observe(box);
    const wheel = (e: WheelEvent) => this.wheel(e);
    canvas.addEventListener("wheel", wheel, { passive: false });
    const keys = (e: KeyboardEvent) => {
      if (e.key === " ") this.space = e.type === "keydown";
    };
    window.addEventListener("keydown", keys);
    window.addEventListener("keyup", keys);
    const unsubscribe = this.inputs.store.subscribe(() => this.schedule());
    this.cleanup = [
      () => ro.disconnect(),
      () => canvas.removeEventListener("wheel", wheel),
      () => window.removeEventListener("keydown", keys),
      () => window.removeEventListener("keyup", keys),
      unsubscribe,
    ];
  }

  detach(): void {
    for (const c of this.cleanup) c();
    this.cleanup = [];
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.layer.reset();
    clearTimeout(this.sharpen);
  }

  setImage(img: HTMLImageElement | null): void {
    this.image = img;
    this.schedule();
  }

  zoomBy(factor: number): void {
    this.setViewport(zoomAt(this.viewport, { x: this.view.width / 2, y: this.view.height / 2 }, factor));
  }

  fit(): void {
    if (this.view.width <= 0) return;
    this.setViewport(fit(this.inputs.imageSize, this.view));
    this.autoFit = true;
  }

  key(key: string): boolean {
    const used = this.inputs.tool.key(this.context(), key);
    this.schedule();
    return used;
  }

  pointerDown(e: PointerEvent): void {
    const canvas = this.canvas;
    if (!canvas) return;
    canvas.focus({ preventScroll: true }); // focus for the keys; the view must not jump under the pointer
    canvas.setPointerCapture(e.pointerId);
    const now = performance.now();
    const double = now - this.lastDown.t < DOUBLE_CLICK_MS && Math.hypot(e.clientX - this.lastDown.x, e.clientY - this.lastDown.y) < 6;
    this.lastDown = { t: double ? 0 : now, x: e.clientX, y: e.clientY };
    const wantsPan = e.button === 1 || (e.button === 0 && this.space);
    if (wantsPan || !this.inputs.tool.down(this.context(), this.pointer(e, double ? 2 : 1))) {
      this.pan = { x: e.clientX, y: e.clientY };
      canvas.style.cursor = "grabbing";
    }
    this.schedule();
  }

  pointerMove(e: PointerEvent): void {
    const canvas = this.canvas;
    if (!canvas) return;
    if (this.pan) {
      const { x, y } = this.pan;
      this.pan = { x: e.clientX, y: e.clientY };
      this.setViewport(panBy(this.viewport, e.clientX - x, e.clientY - y));
      return;
    }
    const { tool, store } = this.inputs;
    const ptr = this.pointer(e);
    tool.move(this.context(), ptr);
    if (e.buttons === 0 && tool.name === "select") {
      const hit = hitTest(this.visible(), ptr.p, this.tolerance(), store.selection);
      this.hover = hit?.id ?? null;
      canvas.style.cursor = hit === null ? "default" : hit.handle === null ? "move" : "crosshair";
    }
    this.schedule();
  }

  pointerUp(e: PointerEvent): void {
    if (this.pan) {
      this.pan = null;
      if (this.canvas) this.canvas.style.cursor = this.inputs.tool.cursor;
    } else {
      this.inputs.tool.up(this.context(), this.pointer(e));
    }
    this.schedule();
  }

  /** The shapes shown: all of them, less pre-labels under the score floor (cached per store change). */
  private visible(): readonly Shape[] {
    const { store, scoreFloor } = this.inputs;
    const all = store.all();
    if (this.shown?.all !== all || this.shown.floor !== scoreFloor) {
      this.shown = { all, floor: scoreFloor, list: scoreFloor <= 0 ? all : all.filter(shownAt(scoreFloor)) };
    }
    return this.shown.list;
  }

  private tolerance(): number {
    return TOLERANCE_PX / this.viewport.scale;
  }

  private context(): ToolContext {
    const { store, label, imageSize, notify } = this.inputs;
    const { keypointNames } = this.inputs;
    return { store, label, image: imageSize, tolerance: this.tolerance(), newId, notify, keypointNames, visible: () => this.visible() };
  }

  private pointer(e: PointerEvent, clicks = 1): ToolPointer {
    const r = this.canvas!.getBoundingClientRect();
    return { p: toImage(this.viewport, { x: e.clientX - r.left, y: e.clientY - r.top }), button: e.button, clicks, shift: e.shiftKey, alt: e.altKey };
  }

  private wheel(e: WheelEvent): void {
    e.preventDefault();
    const r = this.canvas!.getBoundingClientRect();
    this.setViewport(zoomAt(this.viewport, { x: e.clientX - r.left, y: e.clientY - r.top }, Math.exp(-e.deltaY * 0.002)));
  }

  private resize(box: Element): void {
    const c = this.canvas;
    if (!c) return;
    const dpr = window.devicePixelRatio || 1;
    const { width, height } = box.getBoundingClientRect();
    this.view = { width, height };
    c.width = Math.round(width * dpr);
    c.height = Math.round(height * dpr);
    c.style.width = `${width}px`;
    c.style.height = `${height}px`;
    if (this.autoFit) this.fit();
    this.schedule();
  }

  private setViewport(v: Viewport): void {
    this.viewport = v;
    this.autoFit = false;
    this.inputs.onZoom(v.scale);
    this.schedule();
  }

  private schedule(): void {
    if (this.frame === 0 && this.canvas) this.frame = requestAnimationFrame(() => this.draw());
  }

  private draw(): void {
    this.frame = 0;
    const ctx = this.canvas?.getContext("2d");
    if (!ctx) return;
    const { store, tool, label, colorOf, imageSize } = this.inputs;
    const drawn = this.layer.draw(ctx, {
      view: this.view, pixelRatio: window.devicePixelRatio || 1, viewport: this.viewport, image: this.image,
      imageSize, shapes: this.visible(), selectedId: store.selection, hoverId: this.hover,
      draft: tool.draft(), draftColor: label ? colorOf(label) : "#ffffff", colorOf,
    });
    // A stretched copy stood in for this zoom step: draw it sharp once the wheel rests.
    clearTimeout(this.sharpen);
    if (drawn === "scaled") this.sharpen = window.setTimeout(() => this.schedule(), SHARPEN_MS);
  }
}
