/** The projects the user belongs to, and a form to create one. */
import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";
import { ApiError, errorMessage } from "../../api/client";
import { ErrorMessage } from "../../components/ErrorMessage";
import { useCreateProject, useProjects } from "./api";

export function ProjectListPage() {
  const projects = useProjects();
  const items = projects.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="page">
      <div className="page-head">
        <h1>Projects</h1>
      </div>
      <div className="two-col">
        <section aria-labelledby="projects-title">
          <h2 id="projects-title" className="visually-hidden">Your projects</h2>
          {projects.isPending && <p role="status">Loading projects…</p>}
          {projects.isError && <ErrorMessage error={projects.error} />}
          {projects.isSuccess && items.length === 0 && <p className="muted">No projects yet. Create the first one.</p>}
          <ul className="project-list">
            {items.map((p) => (
              <li key={p.id} className="card">
                <Link to={`/projects/${p.id}/files`} className="project-link">{p.name}</Link>
                <span className="badge">{p.role}</span>
                {p.description && <p className="muted">{p.description}</p>}
              </li>
            ))}
          </ul>
          {projects.hasNextPage && (
            <button type="button" onClick={() => projects.fetchNextPage()} disabled={projects.isFetchingNextPage}>
              More projects
            </button>
          )}
        </section>
        <CreateProject />
      </div>
    </div>
  );
}

function CreateProject() {
  const create = useCreateProject();
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const nameError = create.error instanceof ApiError ? create.error.fieldMessage("body.name") : undefined;

  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate({ name, description }, { onSuccess: (p) => navigate(`/projects/${p.id}/schemas`) });
  }

  return (
    <form className="card form" onSubmit={submit} aria-labelledby="new-project-title">
      <h2 id="new-project-title">New project</h2>
      <label htmlFor="project-name">Name</label>
      <input id="project-name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)}
             aria-invalid={nameError ? true : undefined} aria-describedby={nameError ? "project-name-error" : undefined} />
      {nameError && <p id="project-name-error" className="error">{nameError}</p>}
      <label htmlFor="project-description">Description</label>
      <textarea id="project-description" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
      {create.isError && !nameError && <p role="alert" className="error">{errorMessage(create.error)}</p>}
      <button type="submit" className="primary" disabled={create.isPending}>Create project</button>
    </form>
  );
}
