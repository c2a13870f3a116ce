/** Reading an annotation's versions: the pre-label a model made and the person's last word on it. */
import type { Schemas } from "../../api/client";

export type Version = Schemas["AnnotationVersionRead"];

export interface Correction {
  /** The model's version (the first one a model wrote). */
  readonly prelabel: Version;
  /** The latest version a person wrote after it; a tombstone when they rejected it. */
  readonly correction: Version;
  readonly verdict: "accepted" | "corrected" | "rejected";
  /** What the person changed: label, geometry, attributes. */
  readonly changed: readonly ("label" | "geometry" | "attributes")[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A person's version: source human, or written by someone other than whoever stored the pre-label. */
function byPerson(v: Version, pre: Version): boolean {
  return v.source === "human" || (v.author_id !== null && v.author_id !== pre.author_id);
}

/** Versions grouped by annotation, oldest first within each (the order the API lists them). */
export function byAnnotation(versions: readonly Version[]): Map<string, Version[]> {
  const out = new Map<string, Version[]>();
  for (const v of versions) {
    const list = out.get(v.annotation_id);
    if (list) list.push(v);
    else out.set(v.annotation_id, [v]);
  }
  for (const list of out.values()) list.sort((a, b) => a.version - b.version);
  return out;
}

/** The pre-label and the human correction of one annotation's history, if it has both. */
export function correctionOf(versions: readonly Version[]): Correction | null {
  const i = versions.findIndex((v) => v.source === "model" && !v.deleted);
  if (i < 0) return null;
  const pre = versions[i]!;
  const later = versions.slice(i + 1).filter((v) => byPerson(v, pre));
  const last = later.at(-1);
  if (last === undefined) return null;
  if (last.deleted) return { prelabel: pre, correction: last, verdict: "rejected", changed: [] };
  const changed: Correction["changed"][number][] = [];
  if (last.label_id !== pre.label_id) changed.push("label");
  if (!same(last.geometry, pre.geometry)) changed.push("geometry");
  if (!same(last.attributes, pre.attributes)) changed.push("attributes");
  return { prelabel: pre, correction: last, verdict: changed.length === 0 ? "accepted" : "corrected", changed };
}
