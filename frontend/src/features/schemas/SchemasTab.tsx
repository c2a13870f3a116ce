/** The project's label schemas, each with its labels' colors; admins create and edit them. */
import { Link } from "react-router";
import { ErrorMessage } from "../../components/ErrorMessage";
import { useProject } from "../projects/api";
import { useProjectId } from "../projects/ProjectPage";
import { useSchemas } from "./api";

export function SchemasTab() {
  const projectId = useProjectId();
  const project = useProject(projectId);
  const schemas = useSchemas(projectId);
  const isAdmin = project.data?.role === "admin";
  return (
    <section aria-labelledby="schemas-title" className="stack">
      <div className="row">
        <h2 id="schemas-title">Label schemas</h2>
        {isAdmin && <Link to="new" className="button primary">New schema</Link>}
      </div>
      {schemas.isError && <ErrorMessage error={schemas.error} />}
      {schemas.isSuccess && schemas.data.length === 0 && <p className="muted">No label schemas yet.</p>}
      <ul className="schema-list">
        {schemas.data?.map((s) => (
          <li key={s.id} className="card">
            <Link to={String(s.id)} className="project-link">{s.name}</Link>
            <span className="muted"> revision {s.revision}</span>
            <ul className="label-chips" aria-label={`Labels of ${s.name}`}>
              {s.labels.filter((l) => !l.archived).map((l) => (
                <li key={l.id}><span className="swatch" style={{ background: l.color }} aria-hidden="true" />{l.name}</li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  );
}
