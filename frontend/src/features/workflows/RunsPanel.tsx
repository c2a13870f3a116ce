/** Run history with live step status: the runs of the workflow, and the steps of the one being watched. */
import { ErrorMessage } from "../../components/ErrorMessage";
import { isFinished, useArtifacts, useCancelRun, useRun, useRuns, type RunDetail } from "./api";
import { StepOutput } from "./StepOutput";

interface Props {
  projectId: number;
  workflowId: number | null;
  watched: number | null;
  onWatch(runId: number | null): void;
  canRun: boolean;
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleTimeString() : "—");
const secs = (s: number | null) => (s === null ? "" : s < 1 ? `${Math.round(s * 1000)} ms` : `${s.toFixed(1)} s`);

export function RunsPanel({ projectId, workflowId, watched, onWatch, canRun }: Props) {
  const runs = useRuns(projectId, workflowId);
  if (workflowId === null) return <p className="muted wf-hint">Save the workflow to run it.</p>;
  return (
    <section aria-labelledby="runs-title" className="wf-runs">
      <h2 id="runs-title" className="visually-hidden">Runs</h2>
      {runs.isError && <ErrorMessage error={runs.error} />}
      {runs.data?.length === 0 && <p className="muted">No runs yet.</p>}
      <ul className="wf-run-list" aria-label="Runs, newest first">
        {runs.data?.map((r) => (
          <li key={r.id}>
            <button type="button" aria-pressed={r.id === watched} onClick={() => onWatch(r.id === watched ? null : r.id)}>
              <span className={`status status-${r.status}`}>{r.status}</span>
              <span>#{r.id} · v{r.version} · {r.trigger_kind}</span>
              <span className="muted">{when(r.created_at)} {secs(r.duration_s)}</span>
            </button>
          </li>
        ))}
      </ul>
      {watched !== null && <RunDetailView projectId={projectId} runId={watched} canRun={canRun} />}
    </section>
  );
}

function RunDetailView({ projectId, runId, canRun }: { projectId: number; runId: number; canRun: boolean }) {
  const run = useRun(projectId, runId);
  const cancel = useCancelRun(projectId);
  const artifacts = useArtifacts(projectId, runId, run.data ? isFinished(run.data.status) : false);
  if (run.isError) return <ErrorMessage error={run.error} />;
  if (!run.data) return <p role="status">Loading run…</p>;
  const r: RunDetail = run.data;
  return (
    <article className="wf-run" aria-label={`Run ${r.id}`}>
      <header className="row wrap">
        <strong>Run #{r.id}</strong>
        <span className={`status status-${r.status}`} data-testid="run-status">{r.status}</span>
        <span className="muted">{r.items} item{r.items === 1 ? "" : "s"} {secs(r.duration_s)}</span>
        {canRun && !isFinished(r.status) && (
          <button type="button" className="danger" onClick={() => cancel.mutate(r.id)} disabled={cancel.isPending}>Cancel</button>
        )}
      </header>
      {r.error && <p className="error">{r.error}</p>}
      <ol className="wf-steps" aria-label="Steps">
        {r.steps.map((s) => (
          <li key={s.key} data-testid={`step-${s.key}`}>
            <div className="row wrap">
              <span className={`status status-${s.status}`}>{s.status}</span>
              <strong>{s.key}</strong>
              <span className="muted mono">{s.block}</span>
              <span className="muted">{s.attempts > 1 ? `${s.attempts} attempts · ` : ""}{secs(s.duration_s)}</span>
            </div>
            {s.summary && <p className="wf-summary">{s.summary}</p>}
            {s.error && <p className="error">{s.error}</p>}
            <StepOutput step={s} artifacts={(artifacts.data ?? []).filter((a) => a.step_key === s.key)} />
            {(s.logs || s.output !== null) && (
              <details>
                <summary>Log and output</summary>
                {s.logs && <pre className="wf-log">{s.logs}</pre>}
                {s.output !== null && <pre className="wf-log">{JSON.stringify(s.output, null, 2)}</pre>}
              </details>
            )}
          </li>
        ))}
      </ol>
    </article>
  );
}
