import { describe, expect, it } from "vitest";
import type { Schemas } from "../../api/client";
import { errorsUnder, newAttribute, newLabel, splitList, toDraft, toPayload } from "./draft";

const read: Schemas["SchemaRead"] = {
  id: 3, project_id: 1, name: "objects", description: "", revision: 4, created_at: "", updated_at: "",
  labels: [
    { id: 10, name: "car", color: "#1f77b4", annotation_types: ["box"], keypoint_names: null, archived: false },
    { id: 11, name: "old", color: "#000000", annotation_types: ["box"], keypoint_names: null, archived: true },
    { id: 12, name: "person", color: "#ff7f0e", annotation_types: ["keypoints"], keypoint_names: ["head", "foot"], archived: false },
  ],
  attributes: [
    { id: 20, name: "weather", kind: "select", scope: "file", options: ["sun", "rain"], label_names: [], required: true,
      min_value: null, max_value: null, default: null, archived: false },
  ],
};

describe("schema drafts", () => {
  it("round-trips an existing schema, keeping ids and leaving archived entries out", () => {
    const payload = toPayload(toDraft(read));
    expect(payload.labels).toEqual([
      { id: 10, name: "car", color: "#1f77b4", annotation_types: ["box"], keypoint_names: null },
      { id: 12, name: "person", color: "#ff7f0e", annotation_types: ["keypoints"], keypoint_names: ["head", "foot"] },
    ]);
    expect(payload.attributes).toEqual([
      { id: 20, name: "weather", kind: "select", scope: "file", options: ["sun", "rain"], label_names: [], required: true,
        min_value: null, max_value: null },
    ]);
  });

  it("starts a new schema with one label and distinct colors for the next ones", () => {
    const d = toDraft(null);
    expect(d.labels).toHaveLength(1);
    expect(newLabel(1).color).not.toBe(newLabel(0).color);
  });

  it("drops fields that do not apply to the chosen kind and scope", () => {
    const attr = { ...newAttribute(), name: " size ", kind: "number" as const, options: "a, b", min_value: "0", max_value: "" };
    const label = { ...newLabel(0), name: "cat", keypoint_names: "a, b" };
    const p = toPayload({ name: "s", description: "", labels: [label], attributes: [attr] });
    expect(p.attributes![0]).toMatchObject({ name: "size", options: [], min_value: 0, max_value: null });
    expect(p.labels![0]!.keypoint_names).toBeNull(); // keypoints not allowed: names are not sent
  });

  it("splits lists and finds server errors under a path", () => {
    expect(splitList(" a, b,, c ")).toEqual(["a", "b", "c"]);
    const fields = [{ field: "body.labels.1.name", message: "used twice" }, { field: "body.labels.10", message: "x" }];
    expect(errorsUnder(fields, "body.labels.1")).toEqual(["used twice"]);
  });
});
