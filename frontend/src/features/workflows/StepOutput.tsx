/**
 * What a step produced, beyond its summary: its files (HTML reports open in a new tab, served
 * sandboxed), its metrics (e.g. a training step's accuracy and F1, per class), its training curve,
 * and the MLflow run (a link when the workers know an MLflow UI) and model version it logged.
 */
import type { Artifact, Step } from "./api";
import { historyOf, isRecord, reportOf } from "./report";
import { TrainingChart } from "./TrainingChart";

const fmt = (v: unknown) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : String(v));

function Metrics({ metrics }: { metrics: Record<string, unknown> }) {
  const flat = Object.entries(metrics).filter(([, v]) => typeof v === "number");
  const nested = Object.entries(metrics).filter(([, v]) => isRecord(v)) as [string, Record<string, unknown>][];
  return (
    <table className="table compact" aria-label="Metrics">
      <tbody>
        {flat.map(([k, v]) => <tr key={k}><th scope="row">{k.replace(/_/g, " ")}</th><td>{fmt(v)}</td></tr>)}
        {nested.flatMap(([group, values]) => Object.entries(values).map(([k, v]) => (
          <tr key={`${group}.${k}`}><th scope="row">{group.replace(/_/g, " ")}: {k}</th><td>{fmt(v)}</td></tr>
        )))}
      </tbody>
    </table>
  );
}

export function StepOutput({ step, artifacts }: { step: Step; artifacts: readonly Artifact[] }) {
  const out = reportOf(step.output) ?? {};
  const metrics = isRecord(out.metrics) ? out.metrics : null;
  const mlflow = typeof out.mlflow_run_id === "string" ? out.mlflow_run_id : null;
  const mlflowUrl = typeof out.mlflow_run_url === "string" && /^https?:\/\//.test(out.mlflow_run_url) ? out.mlflow_run_url : null;
  const history = historyOf(out);
  if (!metrics && !mlflow && !history && artifacts.length === 0) return null;
  return (
    <div className="wf-step-output">
      {artifacts.length > 0 && (
        <ul className="wf-artifacts" aria-label={`Files of ${step.key}`}>
          {artifacts.map((a) => (
            <li key={a.id}>
              <a href={a.content_url} target="_blank" rel="noreferrer">{a.name}</a>{" "}
              <span className="muted">{a.media_type}, {Math.max(1, Math.round(a.size_bytes / 1024))} KB</span>
            </li>
          ))}
        </ul>
      )}
      {mlflow && (
        <p className="muted">
          MLflow run{" "}
          {mlflowUrl ? <a href={mlflowUrl} target="_blank" rel="noreferrer" className="mono">{mlflow}</a> : <span className="mono">{mlflow}</span>}
          {typeof out.registered_model === "string" && <> · model <span className="mono">{out.registered_model}</span> version {fmt(out.version)}</>}
        </p>
      )}
      {history && <TrainingChart stepKey={step.key} history={history} best={typeof out.best_epoch === "number" ? out.best_epoch : null} />}
      {metrics && <Metrics metrics={metrics} />}
    </div>
  );
}
