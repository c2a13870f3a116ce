/** The schema editor's working copy: a whole document, converted to and from the API's shape. */
import type { Schemas } from "../../api/client";

export type AnnotationType = Schemas["AnnotationType"];
export type AttributeKind = Schemas["AttributeKind"];
export type AttributeScope = Schemas["AttributeScope"];

export const ANNOTATION_TYPES: readonly AnnotationType[] = ["box", "polygon", "polyline", "point", "keypoints", "tag", "span"];
export const ATTRIBUTE_KINDS: readonly AttributeKind[] = ["select", "multi_select", "text", "number", "boolean"];

/** Distinct colors with good contrast on light and dark images (Tableau 10). */
export const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

export interface LabelDraft {
  readonly key: string;
  readonly id: number | null;
  readonly name: string;
  readonly color: string;
  readonly annotation_types: readonly AnnotationType[];
  /** Comma-separated, as typed. */
  readonly keypoint_names: string;
}

export interface AttributeDraft {
  readonly key: string;
  readonly id: number | null;
  readonly name: string;
  readonly kind: AttributeKind;
  readonly scope: AttributeScope;
  /** Comma-separated choices, as typed. */
  readonly options: string;
  readonly label_names: readonly string[];
  readonly required: boolean;
  readonly min_value: string;
  readonly max_value: string;
}

export interface SchemaDraft {
  readonly name: string;
  readonly description: string;
  readonly labels: readonly LabelDraft[];
  readonly attributes: readonly AttributeDraft[];
}

let counter = 0;
const key = (): string => `k${++counter}`;

/** Split "a, b,, c" into ["a", "b", "c"]. */
export function splitList(text: string): string[] {
  return text.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
}

export function newLabel(index: number): LabelDraft {
  return { key: key(), id: null, name: "", color: PALETTE[index % PALETTE.length]!, annotation_types: ["box", "polygon"], keypoint_names: "" };
}

export function newAttribute(): AttributeDraft {
  return { key: key(), id: null, name: "", kind: "boolean", scope: "instance", options: "", label_names: [], required: false, min_value: "", max_value: "" };
}

/** A draft of an existing schema (archived labels and attributes are left as they are). */
export function toDraft(s: Schemas["SchemaRead"] | null): SchemaDraft {
  if (s === null) return { name: "", description: "", labels: [newLabel(0)], attributes: [] };
  return {
    name: s.name,
    description: s.description,
    labels: s.labels.filter((l) => !l.archived).map((l) => ({
      key: key(), id: l.id, name: l.name, color: l.color, annotation_types: l.annotation_types,
      keypoint_names: (l.keypoint_names ?? []).join(", "),
    })),
    attributes: s.attributes.filter((a) => !a.archived).map((a) => ({
      key: key(), id: a.id, name: a.name, kind: a.kind, scope: a.scope, options: a.options.join(", "),
      label_names: a.label_names, required: a.required,
      min_value: a.min_value === null ? "" : String(a.min_value), max_value: a.max_value === null ? "" : String(a.max_value),
    })),
  };
}

const numberOrNull = (text: string): number | null => (text.trim() === "" ? null : Number(text));

/** The request body for a draft (the server validates it as one document). */
export function toPayload(d: SchemaDraft): Schemas["SchemaCreate"] {
  return {
    name: d.name.trim(),
    description: d.description,
    labels: d.labels.map((l) => {
      const names = splitList(l.keypoint_names);
      return {
        ...(l.id === null ? {} : { id: l.id }),
        name: l.name.trim(),
        color: l.color,
        annotation_types: [...l.annotation_types],
        keypoint_names: l.annotation_types.includes("keypoints") ? names : null,
      };
    }),
    attributes: d.attributes.map((a) => {
      const choice = a.kind === "select" || a.kind === "multi_select";
      return {
        ...(a.id === null ? {} : { id: a.id }),
        name: a.name.trim(),
        kind: a.kind,
        scope: a.scope,
        options: choice ? splitList(a.options) : [],
        label_names: a.scope === "instance" ? [...a.label_names] : [],
        required: a.required,
        min_value: a.kind === "number" ? numberOrNull(a.min_value) : null,
        max_value: a.kind === "number" ? numberOrNull(a.max_value) : null,
      };
    }),
  };
}

/** Errors the server named for `path` or anything below it (e.g. body.labels.2). */
export function errorsUnder(fields: readonly Schemas["FieldError"][], path: string): string[] {
  return fields.filter((f) => f.field === path || f.field.startsWith(`${path}.`)).map((f) => f.message);
}
