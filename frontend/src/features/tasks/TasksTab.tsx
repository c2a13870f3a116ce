/** Tasks: progress by status, "start next task", tasks waiting for review, and bulk creation (editors). */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useLocation, useNavigate } from "react-router";
import { errorMessage } from "../../api/client";
import { ErrorMessage } from "../../components/ErrorMessage";
import { useProject } from "../projects/api";
import { useProjectId } from "../projects/ProjectPage";
import { useSchemas } from "../schemas/api";
import { createTasksForAllFiles, takeNext, taskKeys, useTaskList, useTaskProgress, type TaskStatus } from "./api";

const STATUSES: TaskStatus[] = ["available", "in_progress", "submitted", "in_review", "changes_requested", "approved", "skipped"];
const label = (s: string) => s.replace("_", " ");

export function taskUrl(projectId: number, fileId: number, taskId: number): string {
  return `/projects/${projectId}/files/${fileId}/annotate?task=${taskId}`;
}

export function TasksTab() {
  const projectId = useProjectId();
  const project = useProject(projectId);
  const progress = useTaskProgress(projectId);
  const isEditor = project.data?.role === "admin" || project.data?.role === "editor";
  const review = useTaskList(projectId, ["submitted"], isEditor);
  const navigate = useNavigate();
  const done = (useLocation().state as { message?: string } | null)?.message;
  const next = useMutation({
    mutationFn: () => takeNext(projectId),
    onSuccess: (task) => {
      if (task) navigate(taskUrl(projectId, task.file_id, task.id));
    },
  });

  return (
    <section aria-labelledby="tasks-title" className="stack">
      <div className="row">
        <h2 id="tasks-title">Tasks</h2>
        <button type="button" className="primary" onClick={() => next.mutate()} disabled={next.isPending}>Start next task</button>
      </div>
      {done && !next.data && <p role="status" className="ok">{done}</p>}
      {next.isSuccess && next.data === null && <p role="status">No tasks are waiting for you.</p>}
      {next.isError && <ErrorMessage error={next.error} />}
      {progress.isError && <ErrorMessage error={progress.error} />}
      {progress.data && (
        <table className="table" aria-label="Tasks by status">
          <thead><tr><th scope="col">Kind</th>{STATUSES.map((s) => <th key={s} scope="col">{label(s)}</th>)}<th scope="col">total</th></tr></thead>
          <tbody>
            {progress.data.by_kind.map((k) => (
              <tr key={k.kind}>
                <th scope="row">{k.kind}</th>
                {STATUSES.map((s) => <td key={s}>{k.by_status?.[s] ?? 0}</td>)}
                <td>{k.total}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {isEditor && (
        <section aria-labelledby="review-title" className="stack">
          <h3 id="review-title">Submitted, waiting for review</h3>
          {review.data?.length === 0 && <p className="muted">Nothing to review.</p>}
          <ul className="task-list">
            {review.data?.map((t) => (
              <li key={t.id}>
                <Link to={taskUrl(projectId, t.file_id, t.id)}>Review task #{t.id}</Link>
                <span className="muted"> file {t.file_id}, submitted {t.submitted_at ? new Date(t.submitted_at).toLocaleString() : ""}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {isEditor && <CreateTasks projectId={projectId} />}
    </section>
  );
}

function CreateTasks({ projectId }: { projectId: number }) {
  const qc = useQueryClient();
  const schemas = useSchemas(projectId);
  const [schemaId, setSchemaId] = useState<number | null>(null);
  const chosen = schemaId ?? schemas.data?.[0]?.id ?? null;
  const create = useMutation({
    mutationFn: () => createTasksForAllFiles(projectId, chosen!),
    onSuccess: () => qc.invalidateQueries({ queryKey: taskKeys.all(projectId) }),
  });
  if (!schemas.data?.length) return null;
  return (
    <form className="inline-form card" aria-label="Create annotation tasks" onSubmit={(e) => { e.preventDefault(); create.mutate(); }}>
      <label htmlFor="task-schema">Create an annotation task for every file, with schema</label>
      <select id="task-schema" value={chosen ?? ""} onChange={(e) => setSchemaId(Number(e.target.value))}>
        {schemas.data.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
      </select>
      <button type="submit" disabled={create.isPending}>Create tasks</button>
      {create.isSuccess && <span role="status">{create.data.created} created, {create.data.skipped} already had one.</span>}
      {create.isError && <span role="alert" className="error">{errorMessage(create.error)}</span>}
    </form>
  );
}
