import { describe, expect, it } from "vitest";
import { clampGeometry, constrainShift, isDrawable, moveVertex, pointInPolygon, resizeBox, translate } from "../geometry";
import { fit, panBy, toImage, toScreen, zoomAt } from "../viewport";

describe("geometry", () => {
  it("flips a box when a corner is dragged past the opposite one", () => {
    const b = { type: "box", x: 10, y: 10, w: 20, h: 20 } as const;
    expect(resizeBox(b, "se", { x: 40, y: 50 })).toEqual({ type: "box", x: 10, y: 10, w: 30, h: 40 });
    expect(resizeBox(b, "se", { x: 0, y: 5 })).toEqual({ type: "box", x: 0, y: 5, w: 10, h: 5 });
    expect(resizeBox(b, "nw", { x: 15, y: 12 })).toEqual({ type: "box", x: 15, y: 12, w: 15, h: 18 });
  });

  it("clamps shapes into the image and rounds to 1/100 px", () => {
    const size = { width: 100, height: 50 };
    expect(clampGeometry({ type: "box", x: -5, y: 10.123456, w: 200, h: 10 }, size)).toEqual({
      type: "box", x: 0, y: 10.12, w: 100, h: 10,
    });
    expect(clampGeometry({ type: "polygon", points: [{ x: -1, y: -1 }, { x: 120, y: 3 }, { x: 5, y: 60 }] }, size)).toEqual({
      type: "polygon", points: [{ x: 0, y: 0 }, { x: 100, y: 3 }, { x: 5, y: 50 }],
    });
  });

  it("never rounds a box a hair past the image edge", () => {
    const size = { width: 100, height: 100 };
    for (let x = 0; x < 100; x += 0.37) {
      const g = clampGeometry({ type: "box", x, y: x, w: 200, h: 200 }, size);
      if (g.type !== "box") throw new Error("not a box");
      expect(g.x + g.w).toBeLessThanOrEqual(100);
      expect(g.y + g.h).toBeLessThanOrEqual(100);
    }
  });

  it("stops a move at the image edge", () => {
    const g = { type: "box", x: 10, y: 10, w: 20, h: 20 } as const;
    expect(constrainShift(g, -50, 500, { width: 100, height: 100 })).toEqual({ x: -10, y: 70 });
  });

  it("moves vertices and whole shapes", () => {
    const tri = { type: "polygon", points: [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 0, y: 10 }] } as const;
    expect(moveVertex(tri, 1, { x: 20, y: 5 })).toEqual({ type: "polygon", points: [{ x: 0, y: 0 }, { x: 20, y: 5 }, { x: 0, y: 10 }] });
    expect(translate(tri, 1, 2)).toEqual({ type: "polygon", points: [{ x: 1, y: 2 }, { x: 11, y: 2 }, { x: 1, y: 12 }] });
  });

  it("knows what the server accepts", () => {
    expect(isDrawable({ type: "box", x: 0, y: 0, w: 0, h: 5 })).toBe(false);
    expect(isDrawable({ type: "polygon", points: [{ x: 0, y: 0 }, { x: 1, y: 1 }, { x: 2, y: 2 }] })).toBe(false); // no area
    expect(isDrawable({ type: "polygon", points: [{ x: 0, y: 0 }, { x: 4, y: 0 }, { x: 0, y: 4 }] })).toBe(true);
  });

  it("tests points against polygons", () => {
    const square = [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 10 }, { x: 0, y: 10 }];
    expect(pointInPolygon({ x: 5, y: 5 }, square)).toBe(true);
    expect(pointInPolygon({ x: 15, y: 5 }, square)).toBe(false);
  });
});

describe("viewport", () => {
  it("maps image and screen coordinates both ways", () => {
    const v = { scale: 2, x: 30, y: -10 };
    const p = { x: 7, y: 9 };
    expect(toScreen(v, p)).toEqual({ x: 44, y: 8 });
    expect(toImage(v, toScreen(v, p))).toEqual(p);
  });

  it("zooms around the cursor: the image point under it stays put", () => {
    const v = { scale: 1.5, x: 12, y: 34 };
    const cursor = { x: 300, y: 200 };
    const under = toImage(v, cursor);
    const z = zoomAt(v, cursor, 2);
    expect(z.scale).toBe(3);
    const after = toScreen(z, under);
    expect(after.x).toBeCloseTo(cursor.x);
    expect(after.y).toBeCloseTo(cursor.y);
    expect(zoomAt(v, cursor, 1e9).scale).toBe(40); // bounded
  });

  it("fits and centres the image, and pans", () => {
    const v = fit({ width: 400, height: 200 }, { width: 1000, height: 1000 }, 0);
    expect(v).toEqual({ scale: 2.5, x: 0, y: 250 });
    expect(panBy(v, 5, -5)).toEqual({ scale: 2.5, x: 5, y: 245 });
  });
});
