import { describe, expect, it } from "vitest";
import { pruneConfig, simplifySchema } from "./schemaForm";

const EXPORT = {
  additionalProperties: false, title: "ExportConfig", type: "object",
  properties: {
    format: { default: "jsonl", title: "Format", type: "string" },
    query: { anyOf: [{ type: "string" }, { type: "null" }], default: null, description: "a query", title: "Query" },
    storage_connection_id: { anyOf: [{ type: "integer" }, { type: "null" }], default: null, title: "Storage" },
    tags: { anyOf: [{ type: "array", items: { anyOf: [{ type: "string" }, { type: "null" }] } }, { type: "null" }] },
  },
};

describe("config forms", () => {
  it("turn optional fields into their plain type, keeping title and description", () => {
    const s = simplifySchema(EXPORT);
    const props = s.properties as Record<string, Record<string, unknown>>;
    expect(props.query).toEqual({ type: "string", description: "a query", title: "Query" });
    expect(props.storage_connection_id).toEqual({ type: "integer", title: "Storage" });
    expect(props.tags).toEqual({ type: "array", items: { type: "string" } });
    expect(props.format).toEqual(EXPORT.properties.format);
    expect(s.additionalProperties).toBe(false);
  });

  it("keep a real choice between types as it is", () => {
    const s = simplifySchema({ anyOf: [{ type: "string" }, { type: "integer" }] });
    expect(s.anyOf).toHaveLength(2);
  });

  it("write only what differs from the defaults", () => {
    expect(pruneConfig({ format: "jsonl", query: "", storage_connection_id: null, tags: [] }, EXPORT)).toEqual({});
    expect(pruneConfig({ format: "coco", query: "labels.car > 1", extra: { a: 1 } }, EXPORT))
      .toEqual({ format: "coco", query: "labels.car > 1", extra: { a: 1 } });
    expect(pruneConfig(null, EXPORT)).toEqual({});
  });
});
