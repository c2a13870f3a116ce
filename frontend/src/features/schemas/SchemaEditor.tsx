/**
 * Edit a label schema as one document: labels (name, color, allowed types) and attributes
 * (kind, scope, options). Saving carries the revision edited; a stale one offers a reload.
 */
import { useState, type FormEvent } from "react";
import { Link, useLocation, useNavigate, useParams } from "react-router";
import { ApiError, errorMessage } from "../../api/client";
import { ErrorMessage } from "../../components/ErrorMessage";
import { useProjectId } from "../projects/ProjectPage";
import { useSaveSchema, useSchema, type LabelSchema } from "./api";
import { AttributeRows } from "./AttributeRows";
import { LabelRows } from "./LabelRows";
import { toDraft, toPayload, type SchemaDraft } from "./draft";

export function SchemaEditorPage() {
  const projectId = useProjectId();
  const { schemaId } = useParams();
  const id = schemaId === undefined || schemaId === "new" ? null : Number(schemaId);
  const schema = useSchema(projectId, id);
  if (id !== null && schema.isPending) return <p role="status">Loading schema…</p>;
  if (schema.isError) return <ErrorMessage error={schema.error} />;
  return <SchemaEditor key={id ?? "new"} projectId={projectId} initial={schema.data ?? null}
                       reload={async () => (await schema.refetch()).data ?? null} />;
}

interface EditorProps {
  projectId: number;
  initial: LabelSchema | null;
  reload(): Promise<LabelSchema | null>;
}

function SchemaEditor({ projectId, initial, reload }: EditorProps) {
  const [draft, setDraft] = useState<SchemaDraft>(() => toDraft(initial));
  const save = useSaveSchema(projectId);
  const navigate = useNavigate();
  const created = (useLocation().state as { created?: boolean } | null)?.created === true;
  const error = save.error instanceof ApiError ? save.error : null;
  const stale = error?.code === "stale_version";
  const fields = error?.fields ?? [];
  const nameError = error?.fieldMessage("body.name");

  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate({ id: initial?.id ?? null, revision: initial?.revision ?? 0, body: toPayload(draft) }, {
      onSuccess: (saved) => {
        // New labels and attributes now have ids: the next save must carry them.
        setDraft(toDraft(saved));
        if (initial === null) navigate(`../${saved.id}`, { relative: "path", replace: true, state: { created: true } });
      },
    });
  }

  return (
    <form className="stack schema-editor" onSubmit={submit} aria-labelledby="schema-editor-title" noValidate>
      <div className="row">
        <h2 id="schema-editor-title">{initial ? `Edit schema “${initial.name}”` : "New label schema"}</h2>
        <Link to=".." relative="path">Back to schemas</Link>
      </div>
      {stale && (
        <div role="alert" className="conflict">
          <p>Someone else saved this schema while you were editing it ({errorMessage(error)}).</p>
          <button type="button" onClick={async () => {
            const fresh = await reload();
            if (fresh) {
              setDraft(toDraft(fresh));
              save.reset();
            }
          }}>Reload the latest version (discards your edits)</button>
        </div>
      )}
      {error && !stale && <p role="alert" className="error-box">{error.message}</p>}
      {!error && save.isError && <ErrorMessage error={save.error} />}
      {save.isSuccess && <p role="status" className="ok">Saved (revision {save.data.revision}).</p>}
      {created && save.isIdle && <p role="status" className="ok">Schema created.</p>}
      <div className="grid-2">
        <div>
          <label htmlFor="schema-name">Schema name</label>
          <input id="schema-name" required value={draft.name} aria-invalid={nameError ? true : undefined}
                 aria-describedby={nameError ? "schema-name-error" : undefined}
                 onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
          {nameError && <p id="schema-name-error" className="error">{nameError}</p>}
        </div>
        <div>
          <label htmlFor="schema-description">Description</label>
          <input id="schema-description" value={draft.description}
                 onChange={(e) => setDraft({ ...draft, description: e.target.value })} />
        </div>
      </div>
      <LabelRows labels={draft.labels} fields={fields} onChange={(labels) => setDraft({ ...draft, labels })} />
      <AttributeRows attributes={draft.attributes} labelNames={draft.labels.map((l) => l.name.trim()).filter(Boolean)}
                     fields={fields} onChange={(attributes) => setDraft({ ...draft, attributes })} />
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save schema"}
        </button>
        {initial && <span className="muted">Editing revision {initial.revision}</span>}
      </div>
    </form>
  );
}
