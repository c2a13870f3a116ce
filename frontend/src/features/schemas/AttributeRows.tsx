/** The attributes of a schema draft: kind, scope (file or instance), options, labels, limits. */
import type { FieldError } from "../../api/client";
import { ATTRIBUTE_KINDS, errorsUnder, newAttribute, type AttributeDraft, type AttributeKind, type AttributeScope } from "./draft";

interface Props {
  attributes: readonly AttributeDraft[];
  labelNames: readonly string[];
  fields: readonly FieldError[];
  onChange(attributes: AttributeDraft[]): void;
}

export function AttributeRows({ attributes, labelNames, fields, onChange }: Props) {
  const set = (i: number, patch: Partial<AttributeDraft>) =>
    onChange(attributes.map((a, j) => (j === i ? { ...a, ...patch } : a)));
  return (
    <fieldset className="card">
      <legend>Attributes</legend>
      {attributes.length === 0 && <p className="muted">No attributes. File-level attributes classify the whole file; instance-level ones describe one shape.</p>}
      <ol className="rows">
        {attributes.map((a, i) => {
          const n = i + 1;
          const id = `attr-${a.key}`;
          const errors = errorsUnder(fields, `body.attributes.${i}`);
          const choice = a.kind === "select" || a.kind === "multi_select";
          return (
            <li key={a.key} className="attr-row">
              <div className="row wrap">
                <div>
                  <label htmlFor={`${id}-name`}>Attribute {n} name</label>
                  <input id={`${id}-name`} value={a.name} onChange={(e) => set(i, { name: e.target.value })} />
                </div>
                <div>
                  <label htmlFor={`${id}-kind`}>Kind</label>
                  <select id={`${id}-kind`} value={a.kind} onChange={(e) => set(i, { kind: e.target.value as AttributeKind })}>
                    {ATTRIBUTE_KINDS.map((k) => <option key={k} value={k}>{k.replace("_", "-")}</option>)}
                  </select>
                </div>
                <div>
                  <label htmlFor={`${id}-scope`}>Scope</label>
                  <select id={`${id}-scope`} value={a.scope} onChange={(e) => set(i, { scope: e.target.value as AttributeScope })}>
                    <option value="instance">instance (one shape)</option>
                    <option value="file">file (classification)</option>
                  </select>
                </div>
                <label className="check">
                  <input type="checkbox" checked={a.required} onChange={(e) => set(i, { required: e.target.checked })} />
                  required
                </label>
                <button type="button" className="danger" aria-label={`Remove attribute ${n}`}
                        onClick={() => onChange(attributes.filter((_, j) => j !== i))}>Remove</button>
              </div>
              {choice && (
                <div>
                  <label htmlFor={`${id}-options`}>Options of attribute {n} (comma-separated)</label>
                  <input id={`${id}-options`} value={a.options} placeholder="sunny, rainy, snow"
                         onChange={(e) => set(i, { options: e.target.value })} />
                </div>
              )}
              {a.kind === "number" && (
                <div className="row">
                  <label htmlFor={`${id}-min`}>Minimum</label>
                  <input id={`${id}-min`} type="number" value={a.min_value} onChange={(e) => set(i, { min_value: e.target.value })} />
                  <label htmlFor={`${id}-max`}>Maximum</label>
                  <input id={`${id}-max`} type="number" value={a.max_value} onChange={(e) => set(i, { max_value: e.target.value })} />
                </div>
              )}
              {a.scope === "instance" && labelNames.length > 0 && (
                <fieldset className="types">
                  <legend>Applies to (none checked: every label)</legend>
                  {labelNames.map((name) => (
                    <label key={name} className="check">
                      <input type="checkbox" checked={a.label_names.includes(name)}
                             onChange={(e) => set(i, {
                               label_names: e.target.checked ? [...a.label_names, name] : a.label_names.filter((x) => x !== name),
                             })} />
                      {name}
                    </label>
                  ))}
                </fieldset>
              )}
              {errors.map((m) => <p key={m} className="error">{m}</p>)}
            </li>
          );
        })}
      </ol>
      <button type="button" onClick={() => onChange([...attributes, newAttribute()])}>Add attribute</button>
    </fieldset>
  );
}
