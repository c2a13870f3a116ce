/** Every shape of the file as a button list; only the rows in view exist (files may carry thousands). */
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";
import type { AnnotationStore, Shape } from "../../annotate/core";

const ROW = 32; // px: one button row

interface Props {
  store: AnnotationStore;
  shapes: readonly Shape[];
  color(label: string): string;
  describe(s: Shape): string;
}

export function ShapeList({ store, shapes, color, describe }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is meant to be used this way
  const virtual = useVirtualizer({ count: shapes.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 8 });
  return (
    <div ref={scroller} className="shape-scroller">
      <ul className="shape-list" data-testid="shape-list" style={{ height: virtual.getTotalSize() }}>
        {virtual.getVirtualItems().map((row) => {
          const s = shapes[row.index]!;
          return (
            <li key={s.id} style={{ transform: `translateY(${row.start}px)` }}>
              <button type="button" aria-pressed={s.id === store.selection} onClick={() => store.select(s.id)}
                      data-type={s.geometry.type} data-label={s.label}>
                <span className="swatch" style={{ background: color(s.label) }} aria-hidden="true" />
                {s.geometry.type} · {s.label} <span className="muted">{describe(s)}</span>
                {s.source === "model" && <span className="badge prelabel">pre-label{s.score === null ? "" : ` ${Math.round(s.score * 100)}%`}</span>}
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
