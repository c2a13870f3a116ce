/** Labels to draw with, the selected shape (relabel, delete), and the list of every shape. */
import { useSyncExternalStore } from "react";
import type { AnnotationStore, Shape } from "../../annotate/core";
import type { Schemas } from "../../api/client";

type Label = Schemas["LabelRead"];

interface Props {
  store: AnnotationStore;
  labels: readonly Label[];
  allowed: readonly Label[];
  label: string | null;
  onLabel(name: string): void;
  /** Extra words for a shape in the list (e.g. a span's text). */
  describeShape?(s: Shape): string;
  legend?: string;
  /** Show the image editor's shortcut list. */
  help?: boolean;
}

function describe(s: Shape): string {
  const g = s.geometry;
  if (g.type === "box") return `${Math.round(g.w)}×${Math.round(g.h)}`;
  if (g.type === "point") return `(${Math.round(g.x)}, ${Math.round(g.y)})`;
  if (g.type === "span") return `${g.start}–${g.end}`;
  return `${g.points.length} points`;
}

export function SidePanel({ store, labels, allowed, label, onLabel, describeShape, legend = "Label for new shapes", help = true }: Props) {
  useSyncExternalStore((cb) => store.subscribe(cb), () => store.snapshot);
  const shapes = store.all();
  const selected = store.selection === null ? undefined : store.get(store.selection);
  const color = new Map(labels.map((l) => [l.name, l.color]));
  return (
    <aside className="annotate-side" aria-label="Labels and annotations">
      <fieldset>
        <legend>{legend}</legend>
        {allowed.length === 0 && <p className="muted">No label allows this tool's shape type.</p>}
        {allowed.map((l, i) => (
          <label key={l.id} className="label-choice">
            <input type="radio" name="active-label" checked={label === l.name} onChange={() => onLabel(l.name)} />
            <span className="swatch" style={{ background: l.color }} aria-hidden="true" />
            {l.name} {i < 9 && <kbd>{i + 1}</kbd>}
          </label>
        ))}
      </fieldset>
      {selected && (
        <section aria-labelledby="selected-title" className="selected">
          <h3 id="selected-title">Selected {selected.geometry.type}</h3>
          <label htmlFor="selected-label">Label</label>
          <select id="selected-label" value={selected.label}
                  onChange={(e) => store.update({ ...selected, label: e.target.value }, "relabel")}>
            {labels.filter((l) => l.annotation_types.includes(selected.geometry.type) || l.name === selected.label)
              .map((l) => <option key={l.id} value={l.name}>{l.name}</option>)}
          </select>
          {selected.source === "model" && (
            <p className="muted">Pre-label by {selected.modelName ?? "a model"}{selected.score === null ? "" : ` (${Math.round(selected.score * 100)}%)`}</p>
          )}
          <button type="button" className="danger" onClick={() => store.remove(selected.id)}>Delete <kbd>Del</kbd></button>
        </section>
      )}
      <section aria-labelledby="shapes-title">
        <h3 id="shapes-title">Annotations ({shapes.length})</h3>
        <ul className="shape-list" data-testid="shape-list">
          {shapes.map((s) => (
            <li key={s.id}>
              <button type="button" aria-pressed={s.id === store.selection} onClick={() => store.select(s.id)}
                      data-type={s.geometry.type} data-label={s.label}>
                <span className="swatch" style={{ background: color.get(s.label) ?? "#fff" }} aria-hidden="true" />
                {s.geometry.type} · {s.label} <span className="muted">{describeShape?.(s) ?? describe(s)}</span>
                {s.source === "model" && <span className="badge">pre-label</span>}
              </button>
            </li>
          ))}
        </ul>
      </section>
      {help && <details className="help">
        <summary>Keyboard shortcuts</summary>
        <dl>
          <dt>V / B / P / O</dt><dd>select, box, polygon, point tool</dd>
          <dt>1–9</dt><dd>choose a label</dd>
          <dt>Enter / double-click</dt><dd>close the polygon</dd>
          <dt>Backspace</dt><dd>while drawing: drop the last vertex</dd>
          <dt>Esc</dt><dd>cancel drawing / deselect</dd>
          <dt>Delete</dt><dd>delete the selected shape</dd>
          <dt>Arrows</dt><dd>nudge the selected shape</dd>
          <dt>Ctrl+Z / Ctrl+Shift+Z</dt><dd>undo / redo</dd>
          <dt>Ctrl+S</dt><dd>save</dd>
          <dt>Wheel, + / −, 0</dt><dd>zoom, fit</dd>
          <dt>Space+drag, middle drag</dt><dd>pan</dd>
        </dl>
      </details>}
    </aside>
  );
}
