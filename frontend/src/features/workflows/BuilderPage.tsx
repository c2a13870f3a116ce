/**
 * The workflow builder: palette and the selected block's settings on the left, the canvas in the
 * middle, the YAML (or the run history) on the right. Admins edit and save (each save is a new
 * version); editors run; viewers look.
 */
import { useEffect, useMemo, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { api, errorMessage, unwrap } from "../../api/client";
import { ErrorMessage } from "../../components/ErrorMessage";
import { isTyping } from "../annotate/keys";
import { useProject } from "../projects/api";
import {
  DefinitionProblems, useBlocks, useRun, useSaveWorkflow, useSetEnabled, useTriggerRun, useWorkflow, type Block, type WorkflowDetail,
} from "./api";
import { FlowCanvas } from "./FlowCanvas";
import { Inspector } from "./Inspector";
import { addBlock, freshName, placedLayout, sameLayout } from "./model";
import { Palette } from "./Palette";
import { RunsPanel } from "./RunsPanel";
import { TEMPLATE, useBuilder } from "./useBuilder";
import { YamlPanel } from "./YamlPanel";

export function BuilderPage() {
  const params = useParams();
  const projectId = Number(params.projectId);
  const workflowId = params.workflowId === "new" ? null : Number(params.workflowId);
  const workflow = useWorkflow(projectId, workflowId);
  const blocks = useBlocks();
  const project = useProject(projectId);
  if (workflow.isError) return <ErrorMessage error={workflow.error} />;
  if (blocks.isError) return <ErrorMessage error={blocks.error} />;
  if ((workflowId !== null && !workflow.data) || !blocks.data || !project.data) return <p role="status" className="loading">Loading…</p>;
  return <Builder key={workflowId ?? "new"} projectId={projectId} saved={workflowId === null ? null : workflow.data!}
                  blocks={blocks.data} role={project.data.role ?? "viewer"} />;
}

interface BuilderProps {
  projectId: number;
  saved: WorkflowDetail | null;
  blocks: Block[];
  role: string;
}

function Builder({ projectId, saved, blocks, role }: BuilderProps) {
  const navigate = useNavigate();
  const builder = useBuilder(projectId, saved?.source ?? TEMPLATE, saved?.layout);
  const byslug = useMemo(() => new Map(blocks.map((b) => [b.slug, b])), [blocks]);
  const save = useSaveWorkflow(projectId);
  const run = useTriggerRun(projectId);
  const enable = useSetEnabled(projectId);
  const [tab, setTab] = useState<"yaml" | "runs">("yaml");
  const [watched, setWatched] = useState<number | null>(null);
  const [fileQuery, setFileQuery] = useState("");
  const [runNote, setRunNote] = useState("");
  const isAdmin = role === "admin";
  const canRun = isAdmin || role === "editor";
  const readOnly = !isAdmin;
  const sourceDirty = saved === null || builder.source !== saved.source;
  const savedLayout = useMemo(() => placedLayout(builder.graph, new Map(Object.entries(saved?.layout ?? {}))), [builder.graph, saved]);
  const layoutDirty = !sameLayout(builder.layout, savedLayout);
  const dirty = sourceDirty || layoutDirty;
  const manual = (saved?.triggers ?? []).some((t) => t.manual === true);
  const { undo, redo } = builder;

  // Undo/redo of canvas edits (the YAML text area keeps its own).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || !(e.ctrlKey || e.metaKey) || e.key.toLowerCase() !== "z") return;
      e.preventDefault();
      if (e.shiftKey) redo();
      else undo();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [undo, redo]);

  function add(block: Block) {
    const name = freshName(builder.graph, block.slug); // what addBlock will call it
    builder.edit((doc) => void addBlock(doc, block));
    builder.setSelected(name);
  }

  function onSave() {
    save.mutate({ id: saved?.id ?? null, source: builder.source, layout: builder.layout, layoutOnly: !sourceDirty }, {
      onSuccess: (wf) => {
        if (saved === null) navigate(`/projects/${projectId}/workflows/${wf.id}`, { replace: true });
      },
    });
  }

  async function onRun() {
    if (!saved) return;
    let fileIds: number[] | null = null;
    if (fileQuery.trim()) {
      try {
        fileIds = await filesMatching(projectId, fileQuery.trim());
      } catch (err) {
        setRunNote(errorMessage(err));
        return;
      }
    }
    setRunNote(fileIds === null ? "" : `${fileIds.length} file${fileIds.length === 1 ? "" : "s"}`);
    run.mutate({ id: saved.id, fileIds }, {
      onSuccess: (r) => {
        setWatched(r.id);
        setTab("runs");
      },
    });
  }

  const steps = useWatchedSteps(projectId, watched);
  const saveError = save.error instanceof DefinitionProblems
    ? `Not saved: ${save.error.problems.length} problem${save.error.problems.length === 1 ? "" : "s"} (see the YAML panel)`
    : save.error ? errorMessage(save.error) : null;

  return (
    <div className="wf-builder">
      <div className="wf-head">
        <Link to={`/projects/${projectId}/workflows`}>← Workflows</Link>
        <h1>{builder.graph.name || "untitled workflow"}</h1>
        {saved && <span className="badge">version {saved.current_version}</span>}
        <span role="status" className="muted" data-testid="builder-status">
          {save.isPending ? "Saving…" : sourceDirty ? (saved ? "Unsaved changes" : "Not saved yet")
            : layoutDirty ? "Layout not saved" : `Saved as version ${saved!.current_version}`}
        </span>
        <div className="row wf-actions">
          {isAdmin && <button type="button" onClick={builder.undo} disabled={!builder.canUndo} title="Undo (Ctrl+Z)">Undo</button>}
          {isAdmin && <button type="button" onClick={builder.redo} disabled={!builder.canRedo} title="Redo (Ctrl+Shift+Z)">Redo</button>}
          {isAdmin && saved && (
            <label className="check">
              <input type="checkbox" checked={saved.enabled} onChange={(e) => enable.mutate({ id: saved.id, enabled: e.target.checked })} />
              Enabled
            </label>
          )}
          {isAdmin && (
            <button type="button" className="primary" onClick={onSave} disabled={!dirty || save.isPending || builder.syntaxErrors.length > 0}>
              {!saved ? "Save" : layoutDirty && !sourceDirty ? "Save layout" : "Save new version"}
            </button>
          )}
          {canRun && saved && manual && (
            <input className="mono wf-run-query" aria-label="Run on files matching (query, optional)" placeholder="files: a query (optional)"
                   value={fileQuery} onChange={(e) => setFileQuery(e.target.value)} />
          )}
          {runNote && <span className="muted" role="status">{runNote}</span>}
          {canRun && saved && (
            <button type="button" onClick={() => void onRun()} disabled={run.isPending || !manual || !saved.enabled}
                    title={!manual ? "Add a manual trigger (and save) to run it from here" : dirty ? "Runs the saved version" : "Run the saved version now"}>
              Run now
            </button>
          )}
        </div>
      </div>
      {saveError && <p role="alert" className="error-box wf-banner">{saveError}</p>}
      {run.isError && <p role="alert" className="error-box wf-banner">{errorMessage(run.error)}</p>}
      {builder.syntaxErrors.length > 0 && (
        <p role="status" className="conflict wf-banner">The YAML does not parse; the canvas shows the last version that did. Fix it in the YAML panel.</p>
      )}
      <div className="wf-body">
        <div className="wf-left">
          {isAdmin && <Palette blocks={blocks} disabled={builder.syntaxErrors.length > 0} onAdd={add} />}
          <Inspector builder={builder} blocks={byslug} readOnly={readOnly} />
        </div>
        <FlowCanvas builder={builder} blocks={byslug} readOnly={readOnly || builder.syntaxErrors.length > 0} steps={steps} />
        <div className="wf-right">
          <div role="tablist" aria-label="Side panel" className="tabs">
            <button type="button" role="tab" aria-selected={tab === "yaml"} className={tab === "yaml" ? "tab active" : "tab"} onClick={() => setTab("yaml")}>
              YAML{builder.problems.length + builder.syntaxErrors.length > 0 ? ` (${builder.problems.length + builder.syntaxErrors.length})` : ""}
            </button>
            <button type="button" role="tab" aria-selected={tab === "runs"} className={tab === "runs" ? "tab active" : "tab"} onClick={() => setTab("runs")}>
              Runs
            </button>
          </div>
          <div role="tabpanel" className="wf-panel">
            {tab === "yaml" ? <YamlPanel builder={builder} readOnly={readOnly} />
              : <RunsPanel projectId={projectId} workflowId={saved?.id ?? null} watched={watched} onWatch={setWatched} canRun={canRun} />}
          </div>
        </div>
      </div>
    </div>
  );
}

/** Step status by value name for the watched run (the canvas colours its nodes with it). */
function useWatchedSteps(projectId: number, runId: number | null): ReadonlyMap<string, string> {
  const run = useRun(projectId, runId);
  return useMemo(() => new Map((runId !== null ? run.data?.steps ?? [] : []).map((s) => [s.key, s.status])), [run.data, runId]);
}

/** Ids of the files a query matches (at most 10,000: a manual run is for a slice, not a project). */
async function filesMatching(projectId: number, q: string): Promise<number[]> {
  const ids: number[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: { id: number }[]; next_cursor?: string | null } = unwrap(await api.GET("/api/v1/projects/{project_id}/files", {
      params: { path: { project_id: projectId }, query: { q, limit: 500, cursor } },
    }));
    ids.push(...page.items.map((f) => f.id));
    cursor = page.next_cursor ?? null;
  } while (cursor !== null && ids.length < 10_000);
  return ids;
}
