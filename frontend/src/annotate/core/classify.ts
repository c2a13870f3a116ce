/**
 * Classification and attributes. A file's classes are tag annotations (no geometry): one per tag
 * label that applies, and one without a label holding the file-level attributes that belong to no
 * label. Instance attributes live on the shape they describe. Every change is an ordinary store
 * change: undoable, saved with its version like any other.
 */
import { edited } from "./prelabels";
import type { AnnotationStore } from "./store";
import { newShape, type Shape } from "./types";

export const isTag = (s: Shape): boolean => s.geometry.type === "tag";

/** The file's tags: the labelled ones by label, and the label-less one (file attributes), if any. */
export function tagsOf(shapes: readonly Shape[]): { byLabel: Map<string, Shape>; bare: Shape | null } {
  const byLabel = new Map<string, Shape>();
  let bare: Shape | null = null;
  for (const s of shapes) {
    if (!isTag(s)) continue;
    if (s.label === "") bare ??= s;
    else if (!byLabel.has(s.label)) byLabel.set(s.label, s);
  }
  return { byLabel, bare };
}

/** Classify the file as `label` (add its tag) or not (remove it). */
export function setTag(store: AnnotationStore, label: string, on: boolean, id: () => string): void {
  const existing = tagsOf(store.all()).byLabel.get(label);
  if (on && existing === undefined) store.add(newShape(id(), label, { type: "tag" }), `classify as ${label}`);
  else if (!on && existing !== undefined) store.remove(existing.id, `unclassify ${label}`);
}

/** The attributes with `name` set to `value` (undefined removes it). */
function withValue(attributes: Shape["attributes"], name: string, value: unknown): Record<string, unknown> {
  const out = Object.fromEntries(Object.entries(attributes).filter(([k]) => k !== name));
  if (value !== undefined) out[name] = value;
  return out;
}

/**
 * Set a file-level attribute: on the tag of `label` when given (the attribute belongs to that class),
 * else on the label-less tag, which is made on first use and dropped when it holds nothing.
 */
export function setFileAttribute(store: AnnotationStore, name: string, value: unknown, id: () => string, label: string | null = null): void {
  const tags = tagsOf(store.all());
  const target = label === null ? tags.bare : tags.byLabel.get(label) ?? null;
  if (target === null) {
    if (value !== undefined && label === null) store.add({ ...newShape(id(), "", { type: "tag" }), attributes: { [name]: value } }, `set ${name}`);
    return;
  }
  const attributes = withValue(target.attributes, name, value);
  if (label === null && Object.keys(attributes).length === 0) store.remove(target.id, `clear ${name}`);
  else store.update(edited(target, { attributes }), `set ${name}`);
}

/** Set an instance attribute of one shape (undefined removes it). */
export function setShapeAttribute(store: AnnotationStore, shapeId: string, name: string, value: unknown): void {
  const shape = store.get(shapeId);
  if (shape !== undefined) store.update(edited(shape, { attributes: withValue(shape.attributes, name, value) }), `set ${name}`);
}
