/** Labels to draw with, the selected shape (relabel, accept, delete), pre-labels, and the list of every shape. */
import { useSyncExternalStore } from "react";
import { acceptPrelabels, edited, isTag, setShapeAttribute, type AnnotationStore, type Shape } from "../../annotate/core";
import type { Schemas } from "../../api/client";
import { AttributeField, type Attribute } from "./AttributeField";
import { Classification } from "./Classification";
import { PrelabelPanel } from "./PrelabelPanel";
import { ShapeList } from "./ShapeList";

type Label = Schemas["LabelRead"];

interface Props {
  store: AnnotationStore;
  labels: readonly Label[];
  /** The schema's attributes (file-level ones classify the file; instance ones describe a shape). */
  attributes?: readonly Attribute[];
  allowed: readonly Label[];
  label: string | null;
  onLabel(name: string): void;
  /** Extra words for a shape in the list (e.g. a span's text). */
  describeShape?(s: Shape): string;
  legend?: string;
  /** Show the image editor's shortcut list. */
  help?: boolean;
  /** The pre-label score floor (image editor). */
  floor?: number;
  onFloor?(floor: number): void;
}

function describe(s: Shape): string {
  const g = s.geometry;
  if (g.type === "box") return `${Math.round(g.w)}×${Math.round(g.h)}`;
  if (g.type === "point") return `(${Math.round(g.x)}, ${Math.round(g.y)})`;
  if (g.type === "span") return `${g.start}–${g.end}`;
  if (g.type === "keypoints") return `${g.points.filter((p) => p.visible).length}/${g.points.length} visible`;
  if (g.type === "tag") return "file";
  return `${g.points.length} points`;
}

export function SidePanel({ store, labels, attributes = [], allowed, label, onLabel, describeShape, legend = "Label for new shapes", help = true, floor, onFloor }: Props) {
  useSyncExternalStore((cb) => store.subscribe(cb), () => store.snapshot);
  const shapes = store.all().filter((s) => !isTag(s)); // tags are in the classification section
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
      <Classification store={store} labels={labels} attributes={attributes} />
      {selected && !isTag(selected) && <Selected store={store} shape={selected} labels={labels} attributes={attributes} />}
      <PrelabelPanel store={store} shapes={shapes} floor={floor} onFloor={onFloor} />
      <section aria-labelledby="shapes-title" className="shapes">
        <h3 id="shapes-title">Annotations ({shapes.length})</h3>
        <ShapeList store={store} shapes={shapes} color={(l) => color.get(l) ?? "#fff"} describe={describeShape ?? describe} />
      </section>
      {help && <Shortcuts />}
    </aside>
  );
}

function Selected({ store, shape, labels, attributes }: { store: AnnotationStore; shape: Shape; labels: readonly Label[]; attributes: readonly Attribute[] }) {
  const keypoints = labels.find((l) => l.name === shape.label)?.keypoint_names ?? [];
  const own = attributes.filter((a) => a.scope === "instance" && (a.label_names.length === 0 || a.label_names.includes(shape.label)));
  const g = shape.geometry;
  return (
    <section aria-labelledby="selected-title" className="selected">
      <h3 id="selected-title">Selected {g.type}</h3>
      <label htmlFor="selected-label">Label</label>
      <select id="selected-label" value={shape.label}
              onChange={(e) => store.update(edited(shape, { label: e.target.value }), "relabel")}>
        {labels.filter((l) => l.annotation_types.includes(g.type) || l.name === shape.label)
          .map((l) => <option key={l.id} value={l.name}>{l.name}</option>)}
      </select>
      {own.length > 0 && (
        <fieldset className="attrs">
          <legend>Attributes</legend>
          {own.map((a) => (
            <AttributeField key={a.id} attribute={a} value={shape.attributes[a.name]} idPrefix={`shape-${shape.id}`}
                            onChange={(v) => setShapeAttribute(store, shape.id, a.name, v)} />
          ))}
        </fieldset>
      )}
      {g.type === "keypoints" && (
        <ol className="keypoint-names">
          {g.points.map((p, i) => <li key={i} className={p.visible ? "" : "muted"}>{keypoints[i] ?? `point ${i + 1}`}{p.visible ? "" : " (not visible)"}</li>)}
        </ol>
      )}
      {shape.source === "model" ? (
        <div className="prelabel-actions" role="group" aria-label="Pre-label">
          <p className="muted">Pre-label by {shape.modelName ?? "a model"}{shape.score === null ? "" : ` (${Math.round(shape.score * 100)}%)`}</p>
          <button type="button" className="primary" onClick={() => acceptPrelabels(store, [shape.id])}>Accept <kbd>A</kbd></button>
          <button type="button" className="danger" onClick={() => store.remove(shape.id, "reject pre-label")}>Reject <kbd>Del</kbd></button>
        </div>
      ) : (
        <>
          {shape.modelName && <p className="muted">Accepted from {shape.modelName}{shape.score === null ? "" : ` (${Math.round(shape.score * 100)}%)`}</p>}
          <button type="button" className="danger" onClick={() => store.remove(shape.id)}>Delete <kbd>Del</kbd></button>
        </>
      )}
    </section>
  );
}

function Shortcuts() {
  return (
    <details className="help">
      <summary>Keyboard shortcuts</summary>
      <dl>
        <dt>V / B / P / L / O / K</dt><dd>select, box, polygon, polyline, point, keypoints tool</dd>
        <dt>1–9</dt><dd>choose a label</dd>
        <dt>Enter / double-click</dt><dd>finish the polygon or polyline</dd>
        <dt>Backspace</dt><dd>while drawing: drop the last point</dd>
        <dt>N</dt><dd>keypoints: the next point is not visible</dd>
        <dt>Alt+click</dt><dd>on an edge: add a vertex; on a vertex: remove it</dd>
        <dt>A</dt><dd>accept the selected pre-label</dd>
        <dt>Esc</dt><dd>cancel drawing / deselect</dd>
        <dt>Delete</dt><dd>delete (reject) the selected shape</dd>
        <dt>Arrows</dt><dd>nudge the selected shape</dd>
        <dt>Ctrl+Z / Ctrl+Shift+Z</dt><dd>undo / redo</dd>
        <dt>Ctrl+S</dt><dd>save</dd>
        <dt>Wheel, + / −, 0</dt><dd>zoom, fit</dd>
        <dt>Space+drag, middle drag</dt><dd>pan</dd>
      </dl>
    </details>
  );
}
