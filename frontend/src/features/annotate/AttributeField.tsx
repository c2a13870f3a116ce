/** One attribute of the label schema as a form control, by kind: select, multi-select, text, number, yes/no. */
import type { Schemas } from "../../api/client";

export type Attribute = Schemas["AttributeRead"];

interface Props {
  attribute: Attribute;
  value: unknown;
  /** undefined clears the value. */
  onChange(value: unknown): void;
  idPrefix: string;
}

export function AttributeField({ attribute: a, value, onChange, idPrefix }: Props) {
  const id = `${idPrefix}-${a.id}`;
  const name = <>{a.name}{a.required && <span aria-hidden="true"> *</span>}{a.required && <span className="visually-hidden"> (required)</span>}</>;
  if (a.kind === "boolean") {
    return (
      <label className="check attr-field" htmlFor={id}>
        <input id={id} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} /> {name}
      </label>
    );
  }
  if (a.kind === "multi_select") {
    const chosen = Array.isArray(value) ? (value as string[]) : [];
    return (
      <fieldset className="attr-field attr-multi">
        <legend>{name}</legend>
        {a.options.map((o) => (
          <label key={o} className="check">
            <input type="checkbox" checked={chosen.includes(o)}
                   onChange={(e) => {
                     const next = e.target.checked ? [...chosen, o] : chosen.filter((c) => c !== o);
                     onChange(next.length ? next : undefined);
                   }} /> {o}
          </label>
        ))}
      </fieldset>
    );
  }
  return (
    <div className="attr-field">
      <label htmlFor={id}>{name}</label>
      {a.kind === "select" ? (
        <select id={id} value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.target.value || undefined)}>
          <option value="">—</option>
          {a.options.map((o) => <option key={o} value={o}>{o}</option>)}
        </select>
      ) : a.kind === "number" ? (
        <input id={id} type="number" value={typeof value === "number" ? value : ""} min={a.min_value ?? undefined} max={a.max_value ?? undefined}
               step="any" onChange={(e) => onChange(e.target.value === "" ? undefined : Number(e.target.value))} />
      ) : (
        <input id={id} type="text" value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.target.value || undefined)} />
      )}
    </div>
  );
}
