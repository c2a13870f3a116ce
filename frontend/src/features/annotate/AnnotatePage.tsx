/** The image annotation screen: toolbar, canvas, labels and shapes; keyboard shortcuts throughout. */
import { useEffect, useMemo, useRef, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { TOOL_FACTORIES, TOOL_KEYS, TOOL_TYPE, type ToolName } from "../../annotate/core";
import { ErrorMessage } from "../../components/ErrorMessage";
import { useFile } from "../browser/api";
import { useSchemas } from "../schemas/api";
import { useTask, type Task } from "../tasks/api";
import { TaskBar } from "../tasks/TaskBar";
import { CanvasView, type CanvasHandle } from "./CanvasView";
import { useEditorKeys, useToolHint, useUnsavedWarning } from "./keys";
import { useAnnotationSession } from "./session";
import { SessionBanners } from "./SessionBanners";
import { TextAnnotator } from "./TextAnnotator";
import { SidePanel } from "./SidePanel";
import { Toolbar } from "./Toolbar";
import { ZoomReadout } from "./zoomReadout";

export function AnnotatePage() {
  const params = useParams();
  const projectId = Number(params.projectId);
  const fileId = Number(params.fileId);
  const file = useFile(projectId, fileId);
  const schemas = useSchemas(projectId);
  const taskParam = useSearchParams()[0].get("task");
  const task = useTask(projectId, taskParam === null ? null : Number(taskParam));
  const [schemaId, setSchemaId] = useState<number | null>(null);
  const usable = useMemo(() => (schemas.data ?? []).filter((s) => s.labels.some((l) => !l.archived)), [schemas.data]);
  // A task names its schema; otherwise the person picks one.
  const wanted = task.data?.schema_id ?? schemaId;
  const schema = usable.find((s) => s.id === wanted) ?? usable[0] ?? null;

  if (file.isError) return <ErrorMessage error={file.error} />;
  if (schemas.isError) return <ErrorMessage error={schemas.error} />;
  if (task.isError) return <ErrorMessage error={task.error} />;
  if (!file.data || !schemas.data || (taskParam !== null && !task.data)) return <p role="status">Loading…</p>;
  if (schema === null)
    return <p>This project has no label schema with labels yet. <Link to={`/projects/${projectId}/schemas/new`}>Create one</Link>.</p>;
  if (file.data.kind === "text") {
    return (
      <TextAnnotator key={`${fileId}-${schema.id}`} projectId={projectId} fileId={fileId} fileName={file.data.name}
                     schema={schema} task={task.data ?? null} reloadTask={() => void task.refetch()} />
    );
  }
  if (file.data.width === null || file.data.height === null) return <p>This image has no known size.</p>;
  return (
    <Annotator key={`${fileId}-${schema.id}`} projectId={projectId} fileId={fileId} fileName={file.data.name}
               imageUrl={file.data.content_url} imageSize={{ width: file.data.width, height: file.data.height }}
               schema={schema} schemas={task.data ? [schema] : usable} onSchema={setSchemaId}
               task={task.data ?? null} reloadTask={() => void task.refetch()} />
  );
}

type Schema = NonNullable<ReturnType<typeof useSchemas>["data"]>[number];

interface AnnotatorProps {
  projectId: number;
  fileId: number;
  fileName: string;
  imageUrl: string;
  imageSize: { width: number; height: number };
  schema: Schema;
  schemas: Schema[];
  onSchema(id: number): void;
  task: Task | null;
  reloadTask(): void;
}

function Annotator(props: AnnotatorProps) {
  const { projectId, fileId, fileName, imageUrl, imageSize, schema, schemas, onSchema, task } = props;
  const session = useAnnotationSession(projectId, fileId, schema);
  const { store, save, unsaved } = session;
  const canvas = useRef<CanvasHandle>(null);
  const [toolName, setToolName] = useState<ToolName>("box");
  const tool = useMemo(() => TOOL_FACTORIES[toolName](), [toolName]);
  const labels = useMemo(() => schema.labels.filter((l) => !l.archived), [schema]);
  const attributes = useMemo(() => schema.attributes.filter((a) => !a.archived), [schema]);
  const [chosen, setChosen] = useState<string | null>(null);
  const [notice, setNotice] = useState("");
  const [zoom] = useState(() => new ZoomReadout());
  const [floor, setFloor] = useState(0);
  const type = TOOL_TYPE[toolName];
  const allowed = labels.filter((l) => type === null || l.annotation_types.includes(type));
  const label = allowed.find((l) => l.name === chosen)?.name ?? allowed[0]?.name ?? null;
  const colors = useMemo(() => new Map(labels.map((l) => [l.name, l.color])), [labels]);
  const colorOf = useMemo(() => (name: string) => colors.get(name) ?? "#ffffff", [colors]);
  const keypointNames = allowed.find((l) => l.name === label)?.keypoint_names ?? null;
  const hint = useToolHint(store, tool, { label, keypointNames });

  // Shortcuts: the tool gets the key first (Enter closes a polygon, Escape cancels a drag).
  useEditorKeys({
    store, save: () => void save(), labels: allowed.map((l) => l.name), onLabel: setChosen,
    extra: (e) => {
      const k = e.key.toLowerCase();
      if (canvas.current?.key(e.key)) return true;
      if (TOOL_KEYS[k]) setToolName(TOOL_KEYS[k]);
      else if (e.key === "+" || e.key === "=") canvas.current?.zoomBy(1.25);
      else if (e.key === "-") canvas.current?.zoomBy(0.8);
      else if (e.key === "0") canvas.current?.fit();
      else return false;
      return true;
    },
  });
  useUnsavedWarning(unsaved);

  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => setNotice(""), 4000);
    return () => clearTimeout(t);
  }, [notice]);

  return (
    <div className="annotate">
      <div className="annotate-head">
        <Link to={`/projects/${projectId}/files/${fileId}`}>← {fileName}</Link>
        {schemas.length > 1 && (
          <label className="inline">
            Schema{" "}
            <select value={schema.id} onChange={(e) => onSchema(Number(e.target.value))} disabled={unsaved > 0}>
              {schemas.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
            </select>
          </label>
        )}
        <Toolbar tool={toolName} onTool={setToolName} store={store} zoom={zoom} canvas={canvas}
                 unsaved={unsaved} status={session.status} onSave={() => void save()} />
      </div>
      {task && (
        <TaskBar projectId={projectId} task={task} reloadTask={props.reloadTask}
                 saveFirst={async () => (unsaved === 0 && session.status.kind !== "conflict") || save()} />
      )}
      <SessionBanners status={session.status} reload={() => void session.load()} />
      {!session.loaded ? <p role="status" className="loading">Loading annotations…</p> : <div className="annotate-body">
        {/* Over the canvas, not above it: a message must not move the image under the pointer. */}
        <div className="canvas-messages">
          <p className="notice" role="status" aria-live="polite">{notice}</p>
          <p className="hint" aria-live="polite" data-testid="tool-hint">{hint}</p>
        </div>
        <CanvasView ref={canvas} store={store} tool={tool} label={label} imageUrl={imageUrl} imageSize={imageSize}
                    colorOf={colorOf} notify={setNotice} onZoom={zoom.set} keypointNames={keypointNames} scoreFloor={floor}
                    description={`${fileName}, ${imageSize.width} by ${imageSize.height} pixels, ${store.size} annotations`} />
        <SidePanel store={store} labels={labels} attributes={attributes} allowed={allowed} label={label} onLabel={setChosen}
                   floor={floor} onFloor={setFloor} />
      </div>}
    </div>
  );
}
