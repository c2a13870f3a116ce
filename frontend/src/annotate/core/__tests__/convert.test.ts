import { describe, expect, it } from "vitest";
import { fromApi, fromApiGeometry, toApiCreate, toApiGeometry, toApiUpdate, type ApiAnnotation } from "../convert";
import type { Geometry } from "../types";
import { box } from "./fixtures";

const samples: Geometry[] = [
  { type: "box", x: 1, y: 2, w: 3, h: 4 },
  { type: "point", x: 5, y: 6 },
  { type: "polygon", points: [{ x: 0, y: 0 }, { x: 4, y: 0 }, { x: 0, y: 3 }] },
  { type: "polyline", points: [{ x: 0, y: 0 }, { x: 4, y: 1 }] },
  { type: "keypoints", points: [{ x: 1, y: 1, visible: true }, { x: 0, y: 0, visible: false }] },
  { type: "span", start: 3, end: 9 },
];

function read(partial: Partial<ApiAnnotation>): ApiAnnotation {
  return {
    id: "0b7f6c1e-0000-4000-8000-000000000001", file_id: 1, schema_id: 2, label_id: 7, type: "box",
    geometry: { x: 1, y: 2, w: 3, h: 4 }, attributes: {}, source: "human", model_name: null, model_version: null,
    score: null, version: 3, created_by_id: 1, updated_by_id: 1, created_at: "", updated_at: "", ...partial,
  };
}

describe("API geometry conversion", () => {
  it.each(samples)("round-trips a $type", (g) => {
    expect(fromApiGeometry(g.type, JSON.parse(JSON.stringify(toApiGeometry(g))))).toEqual(g);
  });

  it("writes polygon points as [x, y] pairs, as the API expects", () => {
    expect(toApiGeometry(samples[2]!)).toEqual({ points: [[0, 0], [4, 0], [0, 3]] });
  });

  it("rejects malformed geometry and types it does not know", () => {
    expect(fromApiGeometry("box", { x: 1, y: 2, w: "3", h: 4 })).toBeNull();
    expect(fromApiGeometry("polygon", { points: [[0, 0], [1]] })).toBeNull();
    expect(fromApiGeometry("span", { start: 0.5, end: 3 })).toBeNull();
    expect(fromApiGeometry("cuboid", { x: 1 })).toBeNull();
  });

  it("reads and writes file-level tags, with or without a label", () => {
    expect(fromApiGeometry("tag", null)).toEqual({ type: "tag" });
    const labelled = fromApi(read({ type: "tag", geometry: null }), (id) => (id === 7 ? "indoor" : null))!;
    expect(labelled.geometry).toEqual({ type: "tag" });
    expect(labelled.label).toBe("indoor");
    const bare = fromApi(read({ type: "tag", geometry: null, label_id: null, attributes: { weather: "sunny" } }), () => null)!;
    expect([bare.label, bare.attributes]).toEqual(["", { weather: "sunny" }]);
    const body = toApiCreate(bare, 3, "t1");
    expect(body).toMatchObject({ type: "tag", label: null, attributes: { weather: "sunny" }, schema_id: 3, id: "t1" });
    expect("geometry" in body).toBe(false);
    expect(toApiUpdate(bare, { ...bare, attributes: { weather: "rainy" } }, 2)).toEqual({ version: 2, attributes: { weather: "rainy" } });
  });

  it("reads an annotation with its label name, source and score", () => {
    const shape = fromApi(read({ source: "model", model_name: "owl", score: 0.8 }), (id) => (id === 7 ? "car" : null));
    expect(shape).toMatchObject({ label: "car", source: "model", modelName: "owl", score: 0.8, geometry: samples[0] });
    expect(fromApi(read({}), () => null)).toBeNull(); // a label the schema no longer has
  });

  it("creates with the client's id and schema", () => {
    expect(toApiCreate(box("a", 1, 2, 3, 4), 9, "a")).toEqual({
      id: "a", schema_id: 9, label: "car", attributes: {}, source: "human", model_name: null, score: null,
      type: "box", geometry: { x: 1, y: 2, w: 3, h: 4 },
    });
  });

  it("patches only what changed, always with the version", () => {
    const before = box("a", 1, 2, 3, 4);
    expect(toApiUpdate(before, { ...before, label: "bus" }, 4)).toEqual({ version: 4, label: "bus" });
    expect(toApiUpdate(before, box("a", 2, 2, 3, 4), 5)).toEqual({ version: 5, geometry: { x: 2, y: 2, w: 3, h: 4 } });
  });
});
