/** A project's workflows: each with its triggers, version, last run and on/off switch; a new one for admins. */
import { Link } from "react-router";
import { ErrorMessage } from "../../components/ErrorMessage";
import { useProject } from "../projects/api";
import { useProjectId } from "../projects/ProjectPage";
import { useSetEnabled, useWorkflows } from "./api";

function describeTrigger(t: Record<string, unknown>): string {
  if (t.manual) return "manual";
  if (t.event) return `on ${String(t.event)}${t.filter ? ` (${String(t.filter)})` : ""}`;
  if (t.schedule) return `every ${String(t.schedule)}`;
  return JSON.stringify(t);
}

export function WorkflowsTab() {
  const projectId = useProjectId();
  const project = useProject(projectId);
  const workflows = useWorkflows(projectId);
  const enable = useSetEnabled(projectId);
  const isAdmin = project.data?.role === "admin";
  return (
    <section aria-labelledby="workflows-title" className="stack">
      <div className="row">
        <h2 id="workflows-title">Workflows</h2>
        {isAdmin && <Link to="new" className="button primary">New workflow</Link>}
      </div>
      <p className="muted">
        Blocks that run when something happens: route files by a query, send them to people, export them, call a webhook
        or a model. Build them on a canvas; every save is a new version.
      </p>
      {workflows.isError && <ErrorMessage error={workflows.error} />}
      {workflows.data?.length === 0 && <p className="muted">No workflows yet.</p>}
      {workflows.data && workflows.data.length > 0 && (
        <table className="table" aria-label="Workflows">
          <thead>
            <tr><th scope="col">Name</th><th scope="col">Triggers</th><th scope="col">Version</th><th scope="col">Last run</th><th scope="col">Enabled</th></tr>
          </thead>
          <tbody>
            {workflows.data.map((w) => (
              <tr key={w.id}>
                <td><Link to={`${w.id}`}>{w.name}</Link>{w.description && <div className="muted">{w.description}</div>}</td>
                <td>{w.triggers.map(describeTrigger).join("; ") || "—"}</td>
                <td>v{w.current_version}</td>
                <td>{w.last_run ? <><span className={`status status-${w.last_run.status}`}>{w.last_run.status}</span> <span className="muted">{new Date(w.last_run.created_at).toLocaleString()}</span></> : "—"}</td>
                <td>
                  <input type="checkbox" checked={w.enabled} disabled={!isAdmin || enable.isPending} aria-label={`${w.name} enabled`}
                         onChange={(e) => enable.mutate({ id: w.id, enabled: e.target.checked })} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
