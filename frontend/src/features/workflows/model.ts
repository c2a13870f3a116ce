/**
 * The builder's model: a workflow's YAML document read as a graph (values are nodes, references
 * are edges into a block's argument slots) and edited in place. Edits go through the YAML
 * document (the `yaml` library keeps comments, order and style), so the text and the canvas are
 * two views of one source and every edit round-trips.
 */
import { Document, isMap, isSeq, parseDocument, type YAMLMap } from "yaml";

export interface Port {
  readonly name: string;
  readonly type?: string;
  /** The input takes any number of arguments. */
  readonly many?: boolean;
}

/** What the builder needs of a catalogue block. */
export interface BlockInfo {
  readonly slug: string;
  readonly title: string;
  readonly inputs: readonly Port[];
  readonly outputs: readonly Port[];
  readonly config_schema: Record<string, unknown>;
}

/** An argument of an application: a reference to a value (optionally one port of it), or something nested. */
export type Arg = { readonly ref: string; readonly port: string | null } | { readonly nested: true };

export interface ValueNode {
  /** The value's name (`in` for the trigger). */
  readonly id: string;
  readonly kind: "trigger" | "apply" | "ref" | "other";
  /** The block instance applied (kind "apply"), its catalogue slug, and whether it is mapped. */
  readonly instance: string | null;
  readonly block: string | null;
  readonly map: boolean;
  readonly args: readonly Arg[];
  readonly when: string | null;
  readonly wait: Record<string, unknown> | null;
}

export interface Edge {
  readonly id: string;
  readonly source: string;
  /** The output port picked (`name.port`), or null for the whole value. */
  readonly port: string | null;
  readonly target: string;
  /** Which argument of the target it fills. */
  readonly index: number;
}

export interface Graph {
  readonly name: string;
  readonly nodes: readonly ValueNode[];
  readonly edges: readonly Edge[];
  readonly instances: Readonly<Record<string, { use: string; with: Record<string, unknown> }>>;
  readonly triggers: readonly Record<string, unknown>[];
}

export const TRIGGER = "in";

function parseRef(s: string): Arg {
  const dot = s.indexOf(".");
  return dot < 0 ? { ref: s, port: null } : { ref: s.slice(0, dot), port: s.slice(dot + 1) };
}

const refText = (ref: string, port: string | null) => (port === null ? ref : `${ref}.${port}`);

function readValue(id: string, raw: unknown, instances: Graph["instances"]): ValueNode {
  const base = { id, instance: null, block: null, map: false, args: [] as Arg[], when: null, wait: null };
  let expr = raw;
  let when: string | null = null;
  let wait: Record<string, unknown> | null = null;
  if (raw !== null && typeof raw === "object" && !Array.isArray(raw)) {
    const r = raw as Record<string, unknown>;
    expr = r.do;
    when = typeof r.when === "string" ? r.when : null;
    wait = r.wait !== null && typeof r.wait === "object" ? (r.wait as Record<string, unknown>) : null;
  }
  if (typeof expr === "string") return { ...base, kind: "ref", args: [parseRef(expr)], when, wait };
  if (!Array.isArray(expr) || typeof expr[0] !== "string") return { ...base, kind: "other", when, wait };
  const map = expr[0] === "map";
  const instance = map ? expr[1] : expr[0];
  if (typeof instance !== "string") return { ...base, kind: "other", when, wait };
  const args = expr.slice(map ? 2 : 1).map((a): Arg => (typeof a === "string" ? parseRef(a) : { nested: true }));
  return { id, kind: "apply", instance, block: instances[instance]?.use ?? null, map, args, when, wait };
}

/** The graph of a definition (as plain data); unknown shapes become "other" nodes, never errors. */
export function graphOf(def: unknown): Graph {
  const d = (def !== null && typeof def === "object" ? def : {}) as Record<string, unknown>;
  const rawBlocks = (d.blocks !== null && typeof d.blocks === "object" ? d.blocks : {}) as Record<string, unknown>;
  const instances: Record<string, { use: string; with: Record<string, unknown> }> = {};
  for (const [name, b] of Object.entries(rawBlocks)) {
    const r = (b ?? {}) as Record<string, unknown>;
    instances[name] = { use: typeof r.use === "string" ? r.use : "", with: (r.with ?? {}) as Record<string, unknown> };
  }
  const values = (d.workflow !== null && typeof d.workflow === "object" ? d.workflow : {}) as Record<string, unknown>;
  const nodes: ValueNode[] = [{ id: TRIGGER, kind: "trigger", instance: null, block: null, map: false, args: [], when: null, wait: null }];
  const edges: Edge[] = [];
  for (const [id, raw] of Object.entries(values)) {
    const node = readValue(id, raw, instances);
    nodes.push(node);
    node.args.forEach((a, index) => {
      if ("ref" in a) edges.push({ id: `${a.ref}.${a.port ?? ""}->${id}.${index}`, source: a.ref, port: a.port, target: id, index });
    });
  }
  const triggers = Array.isArray(d.on) ? (d.on as Record<string, unknown>[]) : [];
  return { name: typeof d.name === "string" ? d.name : "", nodes, edges, instances, triggers };
}

/** A YAML document of a source, and its syntax errors (1-based line and column). */
export function parse(source: string): { doc: Document; errors: { line: number; column: number; message: string }[] } {
  const doc = parseDocument(source, { prettyErrors: true, uniqueKeys: true });
  const errors = doc.errors.map((e) => ({ line: e.linePos?.[0].line ?? 1, column: e.linePos?.[0].col ?? 1, message: e.message.split("\n")[0]! }));
  return { doc, errors };
}

/** The path to a value's application list (inside `do:` for the long form). */
function applicationPath(doc: Document, value: string): (string | number)[] | null {
  const node = doc.getIn(["workflow", value]);
  if (isSeq(node)) return ["workflow", value];
  if (isMap(node) && isSeq(node.get("do"))) return ["workflow", value, "do"];
  return null;
}

function ensureMap(doc: Document, key: string): YAMLMap {
  const node = doc.get(key);
  if (isMap(node)) {
    if (node.items.length === 0) node.flow = false; // `{}` grows one entry per line, as a person writes it
    return node;
  }
  const fresh = doc.createNode({}) as YAMLMap;
  doc.set(key, fresh);
  return fresh;
}

/** A name not used by any block instance or value, from a slug ("route", "route_2", ...). */
export function freshName(g: Graph, slug: string): string {
  const taken = new Set([...Object.keys(g.instances), ...g.nodes.map((n) => n.id), "map", TRIGGER]);
  const stem = slug.replace(/[^A-Za-z0-9_]/g, "_").replace(/^([^A-Za-z_])/, "_$1") || "step";
  if (!taken.has(stem)) return stem;
  for (let i = 2; ; i++) if (!taken.has(`${stem}_${i}`)) return `${stem}_${i}`;
}

/** Add an instance of a catalogue block and a value applying it (no arguments yet); the value's name. */
export function addBlock(doc: Document, block: BlockInfo): string {
  const name = freshName(graphOf(doc.toJS()), block.slug);
  ensureMap(doc, "blocks").set(name, doc.createNode({ use: block.slug }, { flow: true }));
  ensureMap(doc, "workflow").set(name, doc.createNode([name], { flow: true }));
  return name;
}

/** Point argument `index` of `target` at `source` (or one port of it); the next free slot when index is past the end. */
export function connect(doc: Document, source: string, port: string | null, target: string, index: number): boolean {
  const path = applicationPath(doc, target);
  if (path === null || source === target) return false;
  const seq = doc.getIn(path);
  if (!isSeq(seq)) return false;
  const first = (seq.items[0] as { value?: unknown } | undefined)?.value ?? seq.items[0];
  const offset = first === "map" ? 2 : 1;
  const at = Math.min(offset + index, seq.items.length);
  const text = refText(source, port);
  if (at < seq.items.length) doc.setIn([...path, at], text);
  else doc.addIn(path, text);
  return true;
}

/** Remove argument `index` of `target`. */
export function disconnect(doc: Document, target: string, index: number): void {
  const path = applicationPath(doc, target);
  if (path === null) return;
  const seq = doc.getIn(path);
  if (!isSeq(seq)) return;
  const first = (seq.items[0] as { value?: unknown } | undefined)?.value ?? seq.items[0];
  doc.deleteIn([...path, (first === "map" ? 2 : 1) + index]);
}

/** Delete a value, the arguments that referred to it, and its block instance when nothing else uses it. */
export function removeValue(doc: Document, value: string): void {
  if (value === TRIGGER) return;
  const before = graphOf(doc.toJS());
  const node = before.nodes.find((n) => n.id === value);
  // Later indexes first, so earlier ones stay where they are.
  for (const e of [...before.edges].filter((e) => e.source === value).sort((a, b) => b.index - a.index)) disconnect(doc, e.target, e.index);
  doc.deleteIn(["workflow", value]);
  const instance = node?.instance;
  if (instance && !graphOf(doc.toJS()).nodes.some((n) => n.instance === instance)) doc.deleteIn(["blocks", instance]);
}

/** Rename a value and every reference to it. */
export function renameValue(doc: Document, from: string, to: string): boolean {
  const g = graphOf(doc.toJS());
  if (from === TRIGGER || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(to) || g.nodes.some((n) => n.id === to) || to === "map") return false;
  const values = doc.get("workflow");
  if (!isMap(values)) return false;
  for (const pair of values.items) {
    const key = pair.key as { value?: unknown } | string;
    if ((typeof key === "string" ? key : key.value) === from) {
      pair.key = doc.createNode(to);
      break;
    }
  }
  for (const e of g.edges.filter((e) => e.source === from)) connect(doc, to, e.port, e.target === from ? to : e.target, e.index);
  return true;
}

/** Replace a block instance's config (`with`); an empty config removes the key. */
export function setConfig(doc: Document, instance: string, config: Record<string, unknown>): void {
  if (Object.keys(config).length === 0) doc.deleteIn(["blocks", instance, "with"]);
  else doc.setIn(["blocks", instance, "with"], doc.createNode(config, { flow: true }));
}

export const EXECUTION_KEYS = ["batch_size", "max_batch_delay", "retries", "timeout", "queue"] as const;

/** Set or clear (null) one execution property of a block instance. */
export function setExecution(doc: Document, instance: string, key: (typeof EXECUTION_KEYS)[number], value: number | string | null): void {
  if (value === null || value === "") doc.deleteIn(["blocks", instance, key]);
  else doc.setIn(["blocks", instance, key], value);
}

/** Replace the triggers (`on`). */
export function setTriggers(doc: Document, triggers: readonly Record<string, unknown>[]): void {
  doc.set("on", doc.createNode(triggers.map((t) => ({ ...t }))));
}

/** Set the condition of a value (`when`), moving it to the long form; null removes it. */
export function setWhen(doc: Document, value: string, when: string | null): void {
  const node = doc.getIn(["workflow", value]);
  if (isSeq(node)) {
    if (when === null) return;
    const long = doc.createNode({}) as YAMLMap;
    long.set("do", node);
    long.set("when", when);
    doc.setIn(["workflow", value], long);
  } else if (isMap(node)) {
    if (when === null) node.delete("when");
    else node.set("when", when);
  }
}

/** Where each value sits: columns by how far it is from the trigger, rows in definition order. */
export function layout(g: Graph, dx = 250, dy = 130): Map<string, { x: number; y: number }> {
  const depth = new Map<string, number>([[TRIGGER, 0]]);
  const inputs = new Map(g.nodes.map((n) => [n.id, g.edges.filter((e) => e.target === n.id).map((e) => e.source)]));
  const visiting = new Set<string>();
  const depthOf = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 1; // a cycle: the server reports it; place it anyway
    visiting.add(id);
    const d = 1 + Math.max(0, ...(inputs.get(id) ?? []).filter((s) => inputs.has(s)).map(depthOf));
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  const rows = new Map<number, number>();
  const out = new Map<string, { x: number; y: number }>();
  for (const n of g.nodes) {
    const d = n.id === TRIGGER ? 0 : depthOf(n.id);
    const row = rows.get(d) ?? 0;
    rows.set(d, row + 1);
    out.set(n.id, { x: d * dx, y: row * dy });
  }
  return out;
}

/** Validation problems by where they belong: a value's node, the trigger, or the definition as a whole. */
export function problemsByNode(g: Graph, problems: readonly { path: string; message: string; line: number; column: number }[]) {
  const byNode = new Map<string, string[]>();
  const general: typeof problems[number][] = [];
  const add = (id: string, m: string) => byNode.set(id, [...(byNode.get(id) ?? []), m]);
  for (const p of problems) {
    const [head, key] = p.path.split(".");
    if (head === "workflow" && key && g.nodes.some((n) => n.id === key)) add(key, p.message);
    else if (head === "blocks" && key && g.nodes.some((n) => n.instance === key)) {
      for (const n of g.nodes) if (n.instance === key) add(n.id, p.message);
    } else if (head === "on") add(TRIGGER, p.message);
    else general.push(p);
  }
  return { byNode, general };
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** The placed positions of the graph's nodes (names no longer defined are left out), in node order. */
export function placedLayout(graph: Graph, moved: ReadonlyMap<string, Point>): Record<string, Point> {
  const out: Record<string, Point> = {};
  for (const n of graph.nodes) {
    const p = moved.get(n.id);
    if (p) out[n.id] = { x: Math.round(p.x), y: Math.round(p.y) };
  }
  return out;
}

/** Whether two layouts place the same nodes at the same (whole-pixel) points. */
export function sameLayout(a: Readonly<Record<string, Point>>, b: Readonly<Record<string, Point>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length
    && ka.every((k) => b[k] !== undefined && Math.round(a[k]!.x) === Math.round(b[k]!.x) && Math.round(a[k]!.y) === Math.round(b[k]!.y));
}
