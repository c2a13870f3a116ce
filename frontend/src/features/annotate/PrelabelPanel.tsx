/** Pre-labels of the file: how many, a score floor that hides weak ones, and accept or reject them in bulk. */
import { acceptPrelabels, isPrelabel, rejectPrelabels, shownAt, type AnnotationStore, type Shape } from "../../annotate/core";

interface Props {
  store: AnnotationStore;
  shapes: readonly Shape[];
  /** The score floor (0–1) and its setter; without them there is no floor control. */
  floor?: number;
  onFloor?(floor: number): void;
}

export function PrelabelPanel({ store, shapes, floor = 0, onFloor }: Props) {
  const pre = shapes.filter(isPrelabel);
  if (pre.length === 0 && floor === 0) return null;
  const shown = pre.filter(shownAt(floor));
  const hidden = pre.length - shown.length;
  return (
    <section aria-labelledby="prelabels-title" className="prelabels">
      <h3 id="prelabels-title">Pre-labels ({pre.length})</h3>
      <p className="muted">Dashed, with the model's score. Accept (<kbd>A</kbd>), edit (your edit accepts it) or reject (<kbd>Del</kbd>).</p>
      {onFloor && (
        <label className="floor">
          Hide below {Math.round(floor * 100)}%
          <input type="range" min={0} max={100} step={5} value={Math.round(floor * 100)}
                 onChange={(e) => onFloor(Number(e.target.value) / 100)} aria-valuetext={`${Math.round(floor * 100)} percent`} />
        </label>
      )}
      {hidden > 0 && <p className="muted" role="status">{hidden} hidden under the floor</p>}
      <div className="row wrap">
        <button type="button" disabled={shown.length === 0} onClick={() => acceptPrelabels(store, shown.map((s) => s.id))}>
          Accept {shown.length === pre.length ? "all" : `${shown.length} shown`}
        </button>
        {hidden > 0 && (
          <button type="button" className="danger" onClick={() => rejectPrelabels(store, pre.filter((s) => !shownAt(floor)(s)).map((s) => s.id))}>
            Reject {hidden} hidden
          </button>
        )}
      </div>
    </section>
  );
}
