import { describe, expect, it } from "vitest";
import { BaseLayer, type Surface } from "../layer";
import type { Scene } from "../render";
import { box } from "./fixtures";

/** A context that counts the calls the layer cares about. */
function counter() {
  const n: Record<string, number> = {};
  const images: unknown[][] = [];
  const bump = (k: string) => () => void (n[k] = (n[k] ?? 0) + 1);
  const ctx = new Proxy({}, {
    get: (_t, key: string) => {
      if (key === "drawImage") return (...args: unknown[]) => { images.push(args); bump("drawImage")(); };
      return bump(key);
    },
    set: () => true,
  }) as unknown as CanvasRenderingContext2D;
  return { ctx, n, images };
}

function setup() {
  const made: { w: number; h: number; rects: () => number }[] = [];
  const layer = new BaseLayer((w, h) => {
    const c = counter();
    made.push({ w, h, rects: () => c.n.rect ?? 0 });
    return { canvas: { tag: "offscreen" } as unknown as CanvasImageSource, ctx: c.ctx } satisfies Surface;
  });
  return { layer, made };
}

const shapes = Array.from({ length: 50 }, (_, i) => box(`b${i}`, (i * 37) % 380, (i * 13) % 180, 12, 12));
const colorOf = () => "#ff0000";
const scene = (x: number, y: number, scale = 1, over: Partial<Scene> = {}): Scene => ({
  view: { width: 400, height: 200 }, pixelRatio: 2, viewport: { scale, x, y }, image: null,
  imageSize: { width: 400, height: 200 }, shapes, selectedId: null, hoverId: null, draft: null, draftColor: "#fff",
  colorOf, ...over,
});

describe("base layer", () => {
  it("draws directly until the view pans, then copies one bitmap per frame", () => {
    const { layer, made } = setup();
    const screen = counter();
    expect(layer.draw(screen.ctx, scene(0, 0))).toBe("direct");
    expect(layer.draw(screen.ctx, scene(5, 3))).toBe("built");
    expect(made).toHaveLength(1);
    expect([made[0]!.w, made[0]!.h]).toEqual([(400 + 400) * 2, (200 + 200) * 2]); // half a view on each side, device pixels
    expect(made[0]!.rects()).toBeGreaterThan(0);
    const before = screen.n.rect ?? 0;
    expect(layer.draw(screen.ctx, scene(40, -20))).toBe("copied");
    expect(screen.n.rect ?? 0).toBe(before); // no shape traced on screen: the bitmap was copied
    const [, dx, dy] = screen.images.at(-1)!;
    expect([dx, dy]).toEqual([(40 - 5 - 200) * 2, (-20 - 3 - 100) * 2]);
  });

  it("makes a new bitmap when the view leaves it", () => {
    const { layer, made } = setup();
    const screen = counter();
    layer.draw(screen.ctx, scene(0, 0));
    layer.draw(screen.ctx, scene(1, 0));
    expect(layer.draw(screen.ctx, scene(300, 0))).toBe("built"); // 299 px > the 200 px margin
    expect(made).toHaveLength(2);
  });

  it("stretches the bitmap while zooming, redraws past the stretch limit, and draws sharp when the zoom stops", () => {
    const { layer, made } = setup();
    const screen = counter();
    layer.draw(screen.ctx, scene(0, 0));
    layer.draw(screen.ctx, scene(10, 0)); // built at scale 1, offset (10, 0)
    expect(layer.draw(screen.ctx, scene(0, -10, 1.25))).toBe("scaled");
    const [, x, y, w, h] = screen.images.at(-1)!;
    // The bitmap (800x400 CSS px, its view at 200, 100 within it) lands stretched 1.25x, in device pixels.
    expect([x, y, w, h]).toEqual([(0 - 1.25 * (10 + 200)) * 2, (-10 - 1.25 * 100) * 2, 1.25 * 800 * 2, 1.25 * 400 * 2]);
    expect(layer.draw(screen.ctx, scene(0, -10, 1.25))).toBe("direct"); // the pause: one sharp frame
    expect(made).toHaveLength(1);
    layer.draw(screen.ctx, scene(5, -10, 1.25)); // panning again: a bitmap at 1.25
    expect(layer.draw(screen.ctx, scene(5, -10, 2.5))).toBe("built"); // a 2x stretch is too soft
    expect(made).toHaveLength(3);
    expect(layer.draw(screen.ctx, scene(5, -10, 0.5))).toBe("built"); // zoomed far out: it no longer covers the view
  });

  it("never copies a stale picture: changed shapes or colours redraw", () => {
    const { layer } = setup();
    const screen = counter();
    layer.draw(screen.ctx, scene(0, 0));
    layer.draw(screen.ctx, scene(2, 0));
    const fewer = shapes.slice(1);
    expect(layer.draw(screen.ctx, scene(3, 0, 1, { shapes: fewer }))).toBe("built"); // panning on: a new bitmap
    const green = () => "#00ff00";
    expect(layer.draw(screen.ctx, scene(3, 0, 1, { shapes: fewer, colorOf: green }))).toBe("direct"); // still: no bitmap
    expect(layer.draw(screen.ctx, scene(4, 0, 1, { shapes: fewer, colorOf: green }))).toBe("built");
    // The selection lives in the overlay: selecting keeps the bitmap.
    expect(layer.draw(screen.ctx, scene(5, 0, 1, { shapes: fewer, colorOf: green, selectedId: "b3" }))).toBe("copied");
  });
});
