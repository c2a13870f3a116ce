import { describe, expect, it } from "vitest";
import { hitTest } from "../hittest";
import { box, point, polygon } from "./fixtures";

describe("hitTest", () => {
  const big = box("big", 0, 0, 100, 100);
  const small = box("small", 40, 40, 10, 10);
  const tri = polygon("tri", [[120, 0], [180, 0], [120, 60]]);
  const dot = point("dot", 150, 80);
  const shapes = [big, small, tri, dot];

  it("misses empty space", () => {
    expect(hitTest(shapes, { x: 170, y: 50 }, 3)).toBeNull();
  });

  it("picks the smallest shape containing the point, so nested boxes stay reachable", () => {
    expect(hitTest([small, big], { x: 45, y: 45 }, 2)).toEqual({ id: "small", handle: null });
    expect(hitTest(shapes, { x: 20, y: 20 }, 2)).toEqual({ id: "big", handle: null });
  });

  it("prefers an outline within reach over an interior", () => {
    expect(hitTest(shapes, { x: 99, y: 45 }, 2)).toEqual({ id: "big", handle: null });
  });

  it("hits polygons inside and not outside their edges", () => {
    expect(hitTest(shapes, { x: 130, y: 10 }, 2)?.id).toBe("tri");
    expect(hitTest(shapes, { x: 175, y: 40 }, 2)).toBeNull();
  });

  it("hits points within the tolerance", () => {
    expect(hitTest(shapes, { x: 152, y: 81 }, 3)?.id).toBe("dot");
    expect(hitTest(shapes, { x: 160, y: 81 }, 3)).toBeNull();
  });

  it("gives the selected shape's handles first", () => {
    expect(hitTest(shapes, { x: 51, y: 51 }, 2, "small")).toEqual({ id: "small", handle: { kind: "corner", corner: "se" } });
    expect(hitTest(shapes, { x: 180, y: 1 }, 2, "tri")).toEqual({ id: "tri", handle: { kind: "vertex", index: 1 } });
    // without the selection the same spot is just the outline
    expect(hitTest(shapes, { x: 51, y: 51 }, 2)).toEqual({ id: "small", handle: null });
  });
});
