/** One project: its name and the tabs (files, label schemas, members). */
import { NavLink, Outlet, useParams } from "react-router";
import { ErrorMessage } from "../../components/ErrorMessage";
import { useProject } from "./api";

export function useProjectId(): number {
  const { projectId } = useParams();
  return Number(projectId);
}

const TABS = [
  { to: "files", label: "Files" },
  { to: "datasets", label: "Datasets", hiddenFrom: "annotator" },
  { to: "tasks", label: "Tasks" },
  { to: "insights", label: "Insights", hiddenFrom: "annotator" },
  { to: "workflows", label: "Workflows", hiddenFrom: "annotator" },
  { to: "schemas", label: "Label schemas" },
  { to: "members", label: "Members" },
];

export function ProjectPage() {
  const projectId = useProjectId();
  const project = useProject(projectId);
  if (project.isError) return <ErrorMessage error={project.error} />;
  return (
    <div className="page">
      <div className="page-head">
        <h1>{project.data?.name ?? "…"}</h1>
        {project.data?.role && <span className="badge">{project.data.role}</span>}
      </div>
      <nav className="tabs" aria-label="Project sections">
        {TABS.filter((t) => t.hiddenFrom !== project.data?.role).map((t) => (
          <NavLink key={t.to} to={t.to} className={({ isActive }) => (isActive ? "tab active" : "tab")}>
            {t.label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </div>
  );
}
