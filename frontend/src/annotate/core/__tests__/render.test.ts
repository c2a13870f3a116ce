import { describe, expect, it } from "vitest";
import { render, type Scene } from "../render";
import { box, prelabel } from "./fixtures";

/** A 2D context that records what was asked of it (the renderer only needs these calls). */
function recorder() {
  const calls: string[] = [];
  const texts: string[] = [];
  const record = (name: string) => () => void calls.push(name);
  const ctx = {
    setTransform: record("setTransform"), fillRect: record("fillRect"), drawImage: record("drawImage"),
    beginPath: record("beginPath"), rect: record("rect"), moveTo: record("moveTo"), lineTo: record("lineTo"),
    arc: record("arc"), closePath: record("closePath"), fill: record("fill"), stroke: record("stroke"),
    setLineDash: record("setLineDash"), strokeRect: record("strokeRect"), strokeText: record("strokeText"),
    fillText: (t: string) => void texts.push(t),
    fillStyle: "", strokeStyle: "", lineWidth: 1, font: "", imageSmoothingEnabled: true,
  };
  return { ctx: ctx as unknown as CanvasRenderingContext2D, calls, texts, count: (n: string) => calls.filter((c) => c === n).length };
}

const scene = (over: Partial<Scene>): Scene => ({
  view: { width: 400, height: 200 }, pixelRatio: 1, viewport: { scale: 1, x: 0, y: 0 }, image: null,
  imageSize: { width: 400, height: 200 }, shapes: [], selectedId: null, hoverId: null, draft: null, draftColor: "#fff",
  colorOf: (l) => (l === "car" ? "#ff0000" : "#00ff00"), ...over,
});

describe("render", () => {
  it("draws thousands of alike shapes with one fill and one stroke per look", () => {
    const shapes = Array.from({ length: 2000 }, (_, i) => box(`b${i}`, i % 380, (i * 7) % 180, 10, 10, i % 2 ? "car" : "bus"));
    const r = recorder();
    render(r.ctx, scene({ shapes }));
    expect(r.count("rect")).toBe(2000);
    expect(r.count("fill")).toBe(2);
    expect(r.count("stroke")).toBe(2);
  });

  it("skips shapes outside the view and draws the selected one on top with its handles", () => {
    const shapes = [box("in", 10, 10, 20, 20), box("out", 900, 10, 20, 20), box("sel", 50, 50, 20, 20)];
    const r = recorder();
    render(r.ctx, scene({ shapes, selectedId: "sel", viewport: { scale: 1, x: 0, y: 0 } }));
    expect(r.count("rect")).toBe(2 + 4); // "in", "sel" and the four corner handles of "sel"
    expect(r.count("stroke")).toBe(3); // the group, the selected shape, the handles
  });

  it("writes a pre-label's score only where it is big enough to read", () => {
    const shapes = [prelabel(box("big", 10, 30, 40, 40), 0.83), prelabel(box("tiny", 100, 30, 5, 5), 0.5), box("human", 200, 30, 40, 40)];
    const r = recorder();
    render(r.ctx, scene({ shapes }));
    expect(r.texts).toEqual(["car 83%"]);
  });
});
