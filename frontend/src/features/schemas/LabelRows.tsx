/** The labels of a schema draft: name, color, allowed annotation types, keypoint names. */
import type { FieldError } from "../../api/client";
import { ANNOTATION_TYPES, errorsUnder, newLabel, type AnnotationType, type LabelDraft } from "./draft";

interface Props {
  labels: readonly LabelDraft[];
  fields: readonly FieldError[];
  onChange(labels: LabelDraft[]): void;
}

export function LabelRows({ labels, fields, onChange }: Props) {
  const set = (i: number, patch: Partial<LabelDraft>) => onChange(labels.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  const toggle = (i: number, t: AnnotationType, on: boolean) => {
    const types = labels[i]!.annotation_types;
    set(i, { annotation_types: on ? [...types, t] : types.filter((x) => x !== t) });
  };
  return (
    <fieldset className="card">
      <legend>Labels</legend>
      {labels.length === 0 && <p className="muted">No labels.</p>}
      <ol className="rows">
        {labels.map((l, i) => {
          const n = i + 1;
          const errors = errorsUnder(fields, `body.labels.${i}`);
          return (
            <li key={l.key} className="label-row">
              <div className="row wrap">
                <label className="visually-hidden" htmlFor={`label-${l.key}-name`}>Label {n} name</label>
                <input id={`label-${l.key}-name`} placeholder={`Label ${n} name`} value={l.name}
                       aria-invalid={errors.length > 0 ? true : undefined}
                       onChange={(e) => set(i, { name: e.target.value })} />
                <label className="color-field">
                  <span className="visually-hidden">Label {n} color</span>
                  <input type="color" value={l.color} onChange={(e) => set(i, { color: e.target.value })} />
                </label>
                <button type="button" className="danger" onClick={() => onChange(labels.filter((_, j) => j !== i))}
                        aria-label={`Remove label ${n}`}>Remove</button>
              </div>
              <fieldset className="types">
                <legend>Allowed types for label {n}</legend>
                {ANNOTATION_TYPES.map((t) => (
                  <label key={t} className="check">
                    <input type="checkbox" checked={l.annotation_types.includes(t)}
                           onChange={(e) => toggle(i, t, e.target.checked)} />
                    {t}
                  </label>
                ))}
              </fieldset>
              {l.annotation_types.includes("keypoints") && (
                <div>
                  <label htmlFor={`label-${l.key}-kp`}>Keypoint names of label {n} (comma-separated)</label>
                  <input id={`label-${l.key}-kp`} value={l.keypoint_names} placeholder="head, left_hand, right_hand"
                         onChange={(e) => set(i, { keypoint_names: e.target.value })} />
                </div>
              )}
              {errors.map((m) => <p key={m} className="error">{m}</p>)}
            </li>
          );
        })}
      </ol>
      <button type="button" onClick={() => onChange([...labels, newLabel(labels.length)])}>Add label</button>
    </fieldset>
  );
}
