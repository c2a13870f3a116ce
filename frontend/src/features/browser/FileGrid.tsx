/**
 * Thumbnails in a virtualised grid: only the visible rows exist in the DOM; pages load as you scroll.
 * Optionally each cell has a checkbox, for acting on several files (datasets).
 */
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef, useState } from "react";
import { Link } from "react-router";
import type { FileRead } from "./api";

const CELL = 184; // px: a 160 px thumbnail, its name and the gap

interface Props {
  files: readonly FileRead[];
  hasMore: boolean;
  loadMore(): void;
  /** With these, each cell has a checkbox (shift-click selects a range). */
  selected?: ReadonlySet<number>;
  onSelect?(fileId: number, shift: boolean): void;
}

export function FileGrid({ files, hasMore, loadMore, selected, onSelect }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(1000);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const columns = Math.max(1, Math.floor(width / CELL));
  const rows = Math.ceil(files.length / columns);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is meant to be used this way
  const virtual = useVirtualizer({ count: rows, getScrollElement: () => scroller.current, estimateSize: () => CELL + 24, overscan: 3 });
  const items = virtual.getVirtualItems();
  const lastRow = items.at(-1)?.index ?? 0;

  useEffect(() => {
    if (hasMore && lastRow >= rows - 2) loadMore();
  }, [hasMore, lastRow, rows, loadMore]);

  return (
    <div ref={scroller} className="grid-scroller" role="region" aria-label="File thumbnails" tabIndex={0}>
      <ul style={{ height: virtual.getTotalSize(), position: "relative" }} className="file-grid">
        {items.map((row) => (
          <li key={row.key} className="grid-row" style={{ transform: `translateY(${row.start}px)` }}>
            <ul className="grid-cells" style={{ gridTemplateColumns: `repeat(${columns}, ${CELL - 12}px)` }}>
              {files.slice(row.index * columns, row.index * columns + columns).map((f) => (
                <li key={f.id} className={selected?.has(f.id) ? "cell selected" : "cell"}>
                  {onSelect && (
                    <input type="checkbox" className="cell-check" aria-label={`Select ${f.name}`}
                           checked={selected?.has(f.id) ?? false} onChange={() => undefined}
                           onClick={(e) => onSelect(f.id, e.shiftKey)} />
                  )}
                  <Link to={`${f.id}`} className="thumb-link" title={f.name}>
                    {f.thumbnail_url ? (
                      <img src={f.thumbnail_url} alt="" loading="lazy" width={160} height={160} />
                    ) : (
                      <span className="text-thumb" aria-hidden="true">{f.kind === "text" ? "TXT" : "?"}</span>
                    )}
                    <span className="file-name">{f.name}</span>
                  </Link>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </div>
  );
}
