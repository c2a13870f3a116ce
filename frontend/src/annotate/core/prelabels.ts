/**
 * Pre-labels: shapes a model proposed (source "model", with its score). A person accepts one as it
 * is, edits it (which makes it theirs), or rejects it (deletes it). Accepted and edited shapes
 * become human work; the model's name and score stay as provenance, and the server keeps the
 * model's version in the history.
 */
import type { AnnotationStore } from "./store";
import type { Shape } from "./types";

export const isPrelabel = (s: Shape): boolean => s.source === "model";

/** The shape after a person changed it: a pre-label they touch becomes human work. */
export function edited(shape: Shape, patch: Partial<Pick<Shape, "label" | "geometry" | "attributes">>): Shape {
  return { ...shape, ...patch, source: "human" };
}

/** Accept pre-labels as they are, as one undoable step; answers how many were accepted. */
export function acceptPrelabels(store: AnnotationStore, ids: readonly string[]): number {
  const targets = ids.map((id) => store.get(id)).filter((s): s is Shape => s !== undefined && isPrelabel(s));
  if (targets.length === 0) return 0;
  store.begin(targets.length === 1 ? "accept pre-label" : `accept ${targets.length} pre-labels`);
  for (const s of targets) store.update({ ...s, source: "human" });
  store.commit();
  return targets.length;
}

/** Reject (delete) pre-labels, as one undoable step; answers how many were rejected. */
export function rejectPrelabels(store: AnnotationStore, ids: readonly string[]): number {
  const targets = ids.filter((id) => {
    const s = store.get(id);
    return s !== undefined && isPrelabel(s);
  });
  if (targets.length === 0) return 0;
  store.begin(targets.length === 1 ? "reject pre-label" : `reject ${targets.length} pre-labels`);
  for (const id of targets) store.remove(id);
  store.commit();
  return targets.length;
}

/** Is the shape shown at this score floor (0–1)? Human work always is; a pre-label if it scores enough. */
export function shownAt(floor: number): (s: Shape) => boolean {
  return (s) => !isPrelabel(s) || s.score === null || s.score >= floor;
}
