/** Tools, undo/redo, zoom and save, each with its keyboard shortcut in the tooltip. */
import { useSyncExternalStore, type RefObject } from "react";
import type { AnnotationStore, ToolName } from "../../annotate/core";
import type { CanvasHandle } from "./CanvasView";
import type { SessionStatus } from "./session";
import type { ZoomReadout } from "./zoomReadout";

const TOOLS: { name: ToolName; label: string; key: string }[] = [
  { name: "select", label: "Select", key: "V" },
  { name: "box", label: "Box", key: "B" },
  { name: "polygon", label: "Polygon", key: "P" },
  { name: "polyline", label: "Polyline", key: "L" },
  { name: "point", label: "Point", key: "O" },
  { name: "keypoints", label: "Keypoints", key: "K" },
];

interface Props {
  tool: ToolName;
  onTool(t: ToolName): void;
  store: AnnotationStore;
  zoom: ZoomReadout;
  canvas: RefObject<CanvasHandle | null>;
  unsaved: number;
  status: SessionStatus;
  onSave(): void;
}

function statusText(status: SessionStatus, unsaved: number): string {
  if (status.kind === "loading") return "Loading annotations…";
  if (status.kind === "saving") return "Saving…";
  if (unsaved > 0) return `${unsaved} unsaved change${unsaved === 1 ? "" : "s"}`;
  if (status.kind === "saved") return "All changes saved";
  return "No unsaved changes";
}

/** Undo, redo, save and what is saved: the part every editor shares. */
export function SaveControls({ store, unsaved, status, onSave }: Pick<Props, "store" | "unsaved" | "status" | "onSave">) {
  useSyncExternalStore((cb) => store.subscribe(cb), () => store.snapshot);
  return (
    <>
      <div className="group" role="group" aria-label="History">
        <button type="button" onClick={() => store.undo()} disabled={!store.canUndo} title="Undo (Ctrl+Z)">Undo</button>
        <button type="button" onClick={() => store.redo()} disabled={!store.canRedo} title="Redo (Ctrl+Shift+Z)">Redo</button>
      </div>
      <div className="group save">
        <button type="button" className="primary" onClick={onSave} disabled={unsaved === 0 || status.kind === "saving"}
                title="Save (Ctrl+S)">Save</button>
        <span role="status" className="muted" data-testid="save-status">{statusText(status, unsaved)}</span>
      </div>
    </>
  );
}

function ZoomPercent({ zoom }: { zoom: ZoomReadout }) {
  const scale = useSyncExternalStore(zoom.subscribe, zoom.get);
  return <span className="zoom" aria-live="off">{Math.round(scale * 100)}%</span>;
}

export function Toolbar({ tool, onTool, store, zoom, canvas, unsaved, status, onSave }: Props) {
  return (
    <div className="toolbar" role="toolbar" aria-label="Annotation tools">
      <div className="group" role="group" aria-label="Tools">
        {TOOLS.map((t) => (
          <button key={t.name} type="button" aria-pressed={tool === t.name} title={`${t.label} (${t.key})`}
                  onClick={() => onTool(t.name)}>
            {t.label} <kbd>{t.key}</kbd>
          </button>
        ))}
      </div>
      <div className="group" role="group" aria-label="Zoom">
        <button type="button" onClick={() => canvas.current?.zoomBy(0.8)} title="Zoom out (-)" aria-label="Zoom out">−</button>
        <ZoomPercent zoom={zoom} />
        <button type="button" onClick={() => canvas.current?.zoomBy(1.25)} title="Zoom in (+)" aria-label="Zoom in">+</button>
        <button type="button" onClick={() => canvas.current?.fit()} title="Fit the image (0)">Fit</button>
      </div>
      <SaveControls store={store} unsaved={unsaved} status={status} onSave={onSave} />
    </div>
  );
}
