/**
 * Text span labelling: select characters with the mouse to make a span with the chosen label.
 * Spans may overlap; each covering span draws its own underline. Offsets are code points.
 */
import { useQuery } from "@tanstack/react-query";
import { useMemo, useRef, useState, useSyncExternalStore } from "react";
import { Link } from "react-router";
import { codePointLength, newId, newShape, runs, toCodePoint, toUtf16, trimSelection, type Shape } from "../../annotate/core";
import { api, unwrap, type Schemas } from "../../api/client";
import { ErrorMessage } from "../../components/ErrorMessage";
import type { Task } from "../tasks/api";
import { TaskBar } from "../tasks/TaskBar";
import { useEditorKeys, useUnsavedWarning } from "./keys";
import { useAnnotationSession } from "./session";
import { SessionBanners } from "./SessionBanners";
import { SaveControls } from "./Toolbar";
import { SidePanel } from "./SidePanel";

interface Props {
  projectId: number;
  fileId: number;
  fileName: string;
  schema: Schemas["SchemaRead"];
  task: Task | null;
  reloadTask(): void;
}

function alpha(color: string, a: number): string {
  const n = parseInt(color.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}

/** The code point offset of a DOM position inside the document element. */
function offsetOf(doc: HTMLElement, node: Node, offset: number, total: number): number | null {
  if (!doc.contains(node)) return null;
  if (node.nodeType === Node.TEXT_NODE) {
    const run = node.parentElement?.closest<HTMLElement>("[data-start]");
    if (!run) return null;
    return Number(run.dataset.start) + toCodePoint(node.textContent ?? "", offset);
  }
  const el = node as HTMLElement;
  if (el === doc) {
    const child = doc.children[offset] as HTMLElement | undefined;
    return child ? Number(child.dataset.start) : total;
  }
  const run = el.closest<HTMLElement>("[data-start]");
  return run ? Number(offset === 0 ? run.dataset.start : run.dataset.end) : null;
}

export function TextAnnotator({ projectId, fileId, fileName, schema, task, reloadTask }: Props) {
  const text = useQuery({
    queryKey: ["projects", projectId, "files", fileId, "text"],
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/projects/{project_id}/files/{file_id}/text", {
        params: { path: { project_id: projectId, file_id: fileId } },
      })).text,
    staleTime: Infinity,
  });
  const session = useAnnotationSession(projectId, fileId, schema);
  const { store, save, unsaved } = session;
  const snapshot = useSyncExternalStore((cb) => store.subscribe(cb), () => store.snapshot);
  const labels = useMemo(() => schema.labels.filter((l) => !l.archived), [schema]);
  const attributes = useMemo(() => schema.attributes.filter((a) => !a.archived), [schema]);
  const allowed = labels.filter((l) => l.annotation_types.includes("span"));
  const [chosen, setChosen] = useState<string | null>(null);
  const label = allowed.find((l) => l.name === chosen)?.name ?? allowed[0]?.name ?? null;
  const [notice, setNotice] = useState("");
  const doc = useRef<HTMLDivElement>(null);
  const color = new Map(labels.map((l) => [l.name, l.color]));
  const full = text.data ?? "";
  const total = useMemo(() => codePointLength(full), [full]);
  const spans = useMemo(
    () => (snapshot >= 0 ? store.all() : []).filter((s): s is Shape & { geometry: { type: "span" } } => s.geometry.type === "span"),
    [snapshot, store],
  );
  const byId = new Map(spans.map((s) => [s.id, s]));
  const pieces = useMemo(
    () => runs(total, spans.map((s) => ({ id: s.id, start: s.geometry.start, end: s.geometry.end }))),
    [total, spans],
  );

  useEditorKeys({ store, save: () => void save(), labels: allowed.map((l) => l.name), onLabel: setChosen });
  useUnsavedWarning(unsaved);

  function onMouseUp() {
    const sel = window.getSelection();
    const el = doc.current;
    if (!sel || !el || sel.rangeCount === 0) return;
    const range = sel.getRangeAt(0);
    if (range.collapsed) return;
    const a = offsetOf(el, range.startContainer, range.startOffset, total);
    const b = offsetOf(el, range.endContainer, range.endOffset, total);
    if (a === null || b === null) return;
    const picked = trimSelection(full, a, b);
    sel.removeAllRanges();
    if (picked === null) return;
    if (label === null) {
      setNotice("Choose a label that allows spans first");
      return;
    }
    const shape = newShape(newId(), label, { type: "span", ...picked });
    store.add(shape, "add span");
    store.select(shape.id);
  }

  const excerpt = (s: Shape) =>
    s.geometry.type === "span" ? `“${full.slice(toUtf16(full, s.geometry.start), toUtf16(full, s.geometry.end))}”` : "";

  return (
    <div className="annotate">
      <div className="annotate-head">
        <Link to={`/projects/${projectId}/files/${fileId}`}>← {fileName}</Link>
        <div className="toolbar" role="toolbar" aria-label="Annotation tools">
          <SaveControls store={store} unsaved={unsaved} status={session.status} onSave={() => void save()} />
        </div>
      </div>
      {task && (
        <TaskBar projectId={projectId} task={task} reloadTask={reloadTask}
                 saveFirst={async () => (unsaved === 0 && session.status.kind !== "conflict") || save()} />
      )}
      <SessionBanners status={session.status} reload={() => void session.load()} />
      <p className="notice" role="status" aria-live="polite">{notice}</p>
      {!session.loaded ? <p role="status" className="loading">Loading annotations…</p> : <div className="annotate-body">
        <div className="text-box">
          {text.isError && <ErrorMessage error={text.error} />}
          <p className="muted help-line">Select text to label it with the chosen label. Spans may overlap.</p>
          <div ref={doc} className="text-doc" data-testid="text-doc" onMouseUp={onMouseUp} aria-label={`Text of ${fileName}`} role="document">
            {pieces.map((r) => {
              const inner = r.ids.at(-1);
              const shadows = [...r.ids].reverse().map((id, k) => `inset 0 -${3 * (k + 1)}px 0 0 ${color.get(byId.get(id)!.label) ?? "#888"}`);
              return (
                <span key={r.start} data-start={r.start} data-end={r.end}
                      className={r.ids.includes(store.selection ?? "") ? "run selected" : "run"}
                      style={r.ids.length ? { background: alpha(color.get(byId.get(inner!)!.label) ?? "#888888", 0.18), boxShadow: shadows.join(", ") } : undefined}
                      onClick={() => { if (inner && window.getSelection()?.isCollapsed !== false) store.select(inner); }}>
                  {full.slice(toUtf16(full, r.start), toUtf16(full, r.end))}
                </span>
              );
            })}
          </div>
        </div>
        <SidePanel store={store} labels={labels} attributes={attributes} allowed={allowed} label={label} onLabel={setChosen} describeShape={excerpt}
                   legend="Label for new spans" help={false} />
      </div>}
    </div>
  );
}
