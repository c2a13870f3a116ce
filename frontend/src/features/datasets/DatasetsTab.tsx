/** Datasets of a project: create, rename, delete (the files stay), and browse the files of one. */
import { useState } from "react";
import { Link } from "react-router";
import { ApiError, errorMessage } from "../../api/client";
import { ErrorMessage } from "../../components/ErrorMessage";
import { useProject } from "../projects/api";
import { useProjectId } from "../projects/ProjectPage";
import { useCreateDataset, useDatasets, useDeleteDataset, useUpdateDataset, type Dataset } from "./api";

export function DatasetsTab() {
  const projectId = useProjectId();
  const project = useProject(projectId);
  const datasets = useDatasets(projectId);
  const canEdit = project.data?.role === "admin" || project.data?.role === "editor";
  return (
    <section aria-labelledby="datasets-title" className="stack">
      <h2 id="datasets-title">Datasets</h2>
      <p className="muted">
        A dataset is a named set of files (a file may be in several). Select files in the Files tab to add them,
        or use <code>dataset = 'name'</code> in a query.
      </p>
      {canEdit && <CreateDataset projectId={projectId} />}
      {datasets.isError && <ErrorMessage error={datasets.error} />}
      {datasets.data?.length === 0 && <p className="muted">No datasets yet.</p>}
      {datasets.data && datasets.data.length > 0 && (
        <table className="table" aria-label="Datasets">
          <thead>
            <tr><th scope="col">Name</th><th scope="col">Description</th><th scope="col">Files</th><th scope="col">Created</th>
              {canEdit && <th scope="col"><span className="visually-hidden">Actions</span></th>}</tr>
          </thead>
          <tbody>
            {datasets.data.map((d) => <DatasetRow key={d.id} projectId={projectId} dataset={d} canEdit={canEdit} />)}
          </tbody>
        </table>
      )}
    </section>
  );
}

function CreateDataset({ projectId }: { projectId: number }) {
  const create = useCreateDataset(projectId);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const nameError = create.error instanceof ApiError ? create.error.fieldMessage("body.name") : undefined;
  return (
    <form className="inline-form card" aria-label="New dataset"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ name: name.trim(), description }, { onSuccess: () => { setName(""); setDescription(""); } });
          }}>
      <label htmlFor="dataset-name">Name</label>
      <input id="dataset-name" value={name} required maxLength={200} onChange={(e) => setName(e.target.value)}
             aria-invalid={Boolean(nameError)} />
      <label htmlFor="dataset-description">Description</label>
      <input id="dataset-description" value={description} onChange={(e) => setDescription(e.target.value)} />
      <button type="submit" className="primary" disabled={create.isPending || !name.trim()}>Create dataset</button>
      {create.isError && <span role="alert" className="error">{errorMessage(create.error)}</span>}
    </form>
  );
}

function DatasetRow({ projectId, dataset: d, canEdit }: { projectId: number; dataset: Dataset; canEdit: boolean }) {
  const update = useUpdateDataset(projectId);
  const remove = useDeleteDataset(projectId);
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(d.name);
  const [confirm, setConfirm] = useState(false);
  return (
    <tr>
      <td>
        {editing ? (
          <form className="inline-form" aria-label={`Rename ${d.name}`}
                onSubmit={(e) => { e.preventDefault(); update.mutate({ id: d.id, name: name.trim() }, { onSuccess: () => setEditing(false) }); }}>
            <input aria-label="New name" value={name} onChange={(e) => setName(e.target.value)} required />
            <button type="submit" disabled={update.isPending}>Save</button>
            <button type="button" onClick={() => { setEditing(false); setName(d.name); }}>Cancel</button>
            {update.isError && <span role="alert" className="error">{errorMessage(update.error)}</span>}
          </form>
        ) : (
          <Link to={`../files?dataset=${d.id}`} relative="path">{d.name}</Link>
        )}
      </td>
      <td>{d.description || <span className="muted">—</span>}</td>
      <td>{d.file_count}</td>
      <td><time dateTime={d.created_at}>{new Date(d.created_at).toLocaleDateString()}</time></td>
      {canEdit && (
        <td className="row">
          {!editing && <button type="button" onClick={() => setEditing(true)} aria-label={`Rename ${d.name}`}>Rename</button>}
          {confirm ? (
            <>
              <button type="button" className="danger" onClick={() => remove.mutate(d.id)} disabled={remove.isPending}>
                Delete {d.name} (files stay)
              </button>
              <button type="button" onClick={() => setConfirm(false)}>Keep it</button>
            </>
          ) : (
            <button type="button" className="danger" onClick={() => setConfirm(true)} aria-label={`Delete ${d.name}`}>Delete</button>
          )}
          {remove.isError && <span role="alert" className="error">{errorMessage(remove.error)}</span>}
        </td>
      )}
    </tr>
  );
}
