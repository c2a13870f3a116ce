import { describe, expect, it } from "vitest";
import { byAnnotation, correctionOf, type Version } from "./history";

let n = 0;
function v(version: number, over: Partial<Version> = {}): Version {
  return {
    annotation_id: "a", version, deleted: false, author_id: 1, created_at: `2026-01-01T00:00:0${n++ % 10}Z`,
    file_id: 1, schema_id: 1, label_id: 5, type: "box", geometry: { x: 0, y: 0, w: 10, h: 10 }, attributes: {},
    source: "model", model_name: "owl", model_version: null, score: 0.9, ...over,
  };
}

describe("pre-label and correction", () => {
  it("finds the model's version and the person's last one, with what changed", () => {
    const c = correctionOf([
      v(1, { author_id: 9 }),
      v(2, { author_id: 3, geometry: { x: 1, y: 0, w: 10, h: 10 } }),
      v(3, { author_id: 3, source: "human", geometry: { x: 2, y: 0, w: 10, h: 12 }, label_id: 6 }),
    ])!;
    expect(c.prelabel.version).toBe(1);
    expect(c.correction.version).toBe(3);
    expect(c.verdict).toBe("corrected");
    expect(c.changed).toEqual(["label", "geometry"]);
  });

  it("calls an unchanged human version an acceptance and a tombstone a rejection", () => {
    expect(correctionOf([v(1), v(2, { source: "human" })])!.verdict).toBe("accepted");
    const rejected = correctionOf([v(1, { author_id: 9 }), v(2, { author_id: 2, deleted: true })])!;
    expect(rejected.verdict).toBe("rejected");
  });

  it("is null for human work and for pre-labels nobody touched", () => {
    expect(correctionOf([v(1, { source: "human" }), v(2, { source: "human" })])).toBeNull();
    expect(correctionOf([v(1, { author_id: 9 }), v(2, { author_id: 9, score: 0.5 })])).toBeNull();
  });

  it("groups versions by annotation, each in version order", () => {
    const groups = byAnnotation([v(2), v(1, { annotation_id: "b" }), v(1)]);
    expect([...groups.keys()]).toEqual(["a", "b"]);
    expect(groups.get("a")!.map((x) => x.version)).toEqual([1, 2]);
  });
});
