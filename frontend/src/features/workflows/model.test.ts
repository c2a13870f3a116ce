import { describe, expect, it } from "vitest";
import {
  addBlock, connect, disconnect, graphOf, layout, parse, placedLayout, problemsByNode, removeValue, renameValue, sameLayout,
  setConfig, setExecution, setTriggers, setWhen, type BlockInfo,
} from "./model";

const SOURCE = `# routes images, then exports them
name: two blocks
on:
  - manual: true
blocks:
  images: {use: route, with: {query: "file.kind = 'image'"}}
  dump: {use: export, with: {format: jsonl}}
workflow:
  picked: [images, in]   # the router
  out: [dump, picked.matched]
`;

const route: BlockInfo = {
  slug: "route", title: "Route", config_schema: {},
  inputs: [{ name: "files", type: "files", many: false }],
  outputs: [{ name: "matched", type: "files", many: false }, { name: "unmatched", type: "files", many: false }],
};

describe("reading a definition as a graph", () => {
  it("makes a node per value and an edge per reference, with ports and argument slots", () => {
    const g = graphOf(parse(SOURCE).doc.toJS());
    expect(g.name).toBe("two blocks");
    expect(g.nodes.map((n) => [n.id, n.kind, n.instance, n.block])).toEqual([
      ["in", "trigger", null, null], ["picked", "apply", "images", "route"], ["out", "apply", "dump", "export"]]);
    expect(g.edges.map((e) => [e.source, e.port, e.target, e.index])).toEqual([["in", null, "picked", 0], ["picked", "matched", "out", 0]]);
    expect(g.triggers).toEqual([{ manual: true }]);
  });

  it("reads the long form, map, plain references, and leaves nested expressions to the YAML", () => {
    const g = graphOf(parse(`workflow:
  a: {do: [map, r, in], when: "x == 1", wait: {events: 3}}
  b: a.matched
  c: [r, [r, in]]
`).doc.toJS());
    const [, a, b, c] = g.nodes;
    expect([a!.kind, a!.map, a!.when, a!.wait, a!.args]).toEqual(["apply", true, "x == 1", { events: 3 }, [{ ref: "in", port: null }]]);
    expect([b!.kind, b!.args]).toEqual(["ref", [{ ref: "a", port: "matched" }]]);
    expect(c!.args).toEqual([{ nested: true }]);
    expect(g.edges.map((e) => e.target)).toEqual(["a", "b"]);
  });

  it("reports YAML syntax errors with their line", () => {
    const { errors } = parse("name: x\nblocks: [\n");
    expect(errors[0]!.line).toBeGreaterThan(1);
  });
});

describe("editing through the YAML document", () => {
  it("adds a block with a fresh name, connects it, and keeps comments and style", () => {
    const { doc } = parse(SOURCE);
    const name = addBlock(doc, route);
    expect(name).toBe("route");
    expect(addBlock(doc, route)).toBe("route_2");
    expect(connect(doc, "picked", "unmatched", "route", 0)).toBe(true);
    const text = doc.toString();
    expect(text).toContain("# routes images, then exports them");
    expect(text).toContain("picked: [ images, in ] # the router");
    expect(text).toContain("route: [ route, picked.unmatched ]");
    expect(text).toContain("route: { use: route }");
    const g = graphOf(parse(text).doc.toJS());
    expect(g.edges.some((e) => e.source === "picked" && e.port === "unmatched" && e.target === "route")).toBe(true);
  });

  it("replaces an argument, appends past the end, and disconnects", () => {
    const { doc } = parse(SOURCE);
    connect(doc, "in", null, "out", 0);
    expect(doc.toJS().workflow.out).toEqual(["dump", "in"]);
    connect(doc, "picked", "matched", "out", 5);
    expect(doc.toJS().workflow.out).toEqual(["dump", "in", "picked.matched"]);
    disconnect(doc, "out", 0);
    expect(doc.toJS().workflow.out).toEqual(["dump", "picked.matched"]);
    expect(connect(doc, "out", null, "out", 0)).toBe(false); // not onto itself
  });

  it("edits inside the long form and after map", () => {
    const { doc } = parse("workflow:\n  a: {do: [map, r, in]}\n");
    connect(doc, "b", null, "a", 0);
    expect(doc.toJS().workflow.a).toEqual({ do: ["map", "r", "b"] });
  });

  it("removes a value with the references to it, and its block instance when unused", () => {
    const { doc } = parse(SOURCE);
    removeValue(doc, "picked");
    const def = doc.toJS();
    expect(def.workflow).toEqual({ out: ["dump"] });
    expect(Object.keys(def.blocks)).toEqual(["dump"]);
    removeValue(doc, "in"); // the trigger stays
    expect(graphOf(doc.toJS()).nodes[0]!.id).toBe("in");
  });

  it("renames a value and every reference to it", () => {
    const { doc } = parse(SOURCE);
    expect(renameValue(doc, "picked", "routed")).toBe(true);
    expect(doc.toJS().workflow).toEqual({ routed: ["images", "in"], out: ["dump", "routed.matched"] });
    expect(renameValue(doc, "routed", "out")).toBe(false); // taken
    expect(renameValue(doc, "routed", "9x")).toBe(false); // not a name
  });

  it("sets configs, execution properties, triggers and conditions", () => {
    const { doc } = parse(SOURCE);
    setConfig(doc, "images", { query: "labels.car > 1" });
    setExecution(doc, "images", "retries", 5);
    setExecution(doc, "dump", "queue", "gpu");
    setExecution(doc, "dump", "queue", null);
    setConfig(doc, "dump", {});
    setTriggers(doc, [{ manual: true }, { event: "file.created", filter: "file.kind = 'image'" }]);
    setWhen(doc, "out", "picked.matched != []");
    const def = doc.toJS();
    expect(def.blocks).toEqual({ images: { use: "route", with: { query: "labels.car > 1" }, retries: 5 }, dump: { use: "export" } });
    expect(def.on).toEqual([{ manual: true }, { event: "file.created", filter: "file.kind = 'image'" }]);
    expect(def.workflow.out).toEqual({ do: ["dump", "picked.matched"], when: "picked.matched != []" });
    setWhen(doc, "out", null);
    expect(doc.toJS().workflow.out).toEqual({ do: ["dump", "picked.matched"] });
  });
});

it("grows an empty `{}` section one entry per line", () => {
  const { doc } = parse("name: x\nblocks: {}\nworkflow: {}\n");
  addBlock(doc, route);
  expect(doc.toString()).toBe("name: x\nblocks:\n  route: { use: route }\nworkflow:\n  route: [ route ]\n");
});

describe("layout and problems", () => {
  it("puts values in columns by their distance from the trigger", () => {
    const pos = layout(graphOf(parse(SOURCE).doc.toJS()), 100, 50);
    expect([pos.get("in"), pos.get("picked"), pos.get("out")]).toEqual([{ x: 0, y: 0 }, { x: 100, y: 0 }, { x: 200, y: 0 }]);
  });

  it("sends each problem to the node it is about", () => {
    const g = graphOf(parse(SOURCE).doc.toJS());
    const p = (path: string) => ({ path, message: path, line: 1, column: 1 });
    const { byNode, general } = problemsByNode(g, [p("blocks.images.with"), p("workflow.out.1"), p("on.0"), p("name")]);
    expect(byNode.get("picked")).toEqual(["blocks.images.with"]);
    expect(byNode.get("out")).toEqual(["workflow.out.1"]);
    expect(byNode.get("in")).toEqual(["on.0"]);
    expect(general.map((x) => x.path)).toEqual(["name"]);
  });
});

describe("the saved canvas layout", () => {
  it("keeps the placed nodes that are still defined, in whole pixels", () => {
    const g = graphOf(parse(SOURCE).doc.toJS());
    const moved = new Map([["out", { x: 510.4, y: -20.6 }], ["gone", { x: 1, y: 1 }]]);
    expect(placedLayout(g, moved)).toEqual({ out: { x: 510, y: -21 } });
    expect(placedLayout(g, new Map())).toEqual({});
  });

  it("compares layouts by node and whole-pixel point", () => {
    expect(sameLayout({ out: { x: 1, y: 2 } }, { out: { x: 1.2, y: 2 } })).toBe(true);
    expect(sameLayout({ out: { x: 1, y: 2 } }, { out: { x: 3, y: 2 } })).toBe(false);
    expect(sameLayout({ out: { x: 1, y: 2 } }, { picked: { x: 1, y: 2 } })).toBe(false);
    expect(sameLayout({}, { out: { x: 1, y: 2 } })).toBe(false);
  });
});
