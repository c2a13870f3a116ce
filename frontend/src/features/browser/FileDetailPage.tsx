/** One file: a preview, its facts, and the history of its annotations (a pre-label beside its correction). */
import { Link, useParams } from "react-router";
import type { Schemas } from "../../api/client";
import { ErrorMessage } from "../../components/ErrorMessage";
import { useProjectId } from "../projects/ProjectPage";
import { useLabelIndex } from "../schemas/api";
import { formatBytes, useFile, useFileHistory } from "./api";

type Version = Schemas["AnnotationVersionRead"];

export function FileDetailPage() {
  const projectId = useProjectId();
  const fileId = Number(useParams().fileId);
  const file = useFile(projectId, fileId);
  if (file.isError) return <ErrorMessage error={file.error} />;
  if (!file.data) return <p role="status">Loading file…</p>;
  const f = file.data;
  return (
    <section aria-labelledby="file-title" className="stack">
      <div className="row">
        <Link to=".." relative="path">← All files</Link>
        <h2 id="file-title">{f.name}</h2>
        <Link to="annotate" className="button primary">Annotate</Link>
      </div>
      <div className="file-detail">
        {f.kind === "image" ? (
          <img className="preview" src={f.content_url} alt={`Preview of ${f.name}`} />
        ) : (
          <p className="muted">Text file, {f.text_length} characters.</p>
        )}
        <dl className="facts">
          <dt>Kind</dt><dd>{f.kind} ({f.mime_type})</dd>
          <dt>Size</dt><dd>{formatBytes(f.size_bytes)}</dd>
          {f.width !== null && (<><dt>Dimensions</dt><dd>{f.width} × {f.height} px</dd></>)}
          <dt>Uploaded</dt><dd><time dateTime={f.created_at}>{new Date(f.created_at).toLocaleString()}</time></dd>
          <dt>Content hash</dt><dd className="mono">{f.content_hash.slice(0, 16)}…</dd>
          {Object.keys(f.metadata).length > 0 && (<><dt>Metadata</dt><dd className="mono">{JSON.stringify(f.metadata)}</dd></>)}
        </dl>
      </div>
      <History projectId={projectId} fileId={fileId} />
    </section>
  );
}

function History({ projectId, fileId }: { projectId: number; fileId: number }) {
  const history = useFileHistory(projectId, fileId);
  const labels = useLabelIndex(projectId);
  const versions = history.data?.pages.flatMap((p) => p.items) ?? [];
  const byAnnotation = new Map<string, Version[]>();
  for (const v of versions) byAnnotation.set(v.annotation_id, [...(byAnnotation.get(v.annotation_id) ?? []), v]);
  const labelOf = (v: Version) => (v.label_id === null ? "—" : labels.get(v.label_id)?.name ?? `#${v.label_id}`);

  return (
    <section aria-labelledby="history-title" className="stack">
      <h3 id="history-title">Annotation history</h3>
      {history.isError && <ErrorMessage error={history.error} />}
      {history.isSuccess && versions.length === 0 && <p className="muted">No annotations yet.</p>}
      {[...byAnnotation.entries()].map(([id, vs]) => {
        const first = vs[0]!, last = vs.at(-1)!;
        const corrected = first.source === "model" && vs.some((v) => v.source === "human" || v.author_id !== first.author_id);
        return (
          <article key={id} className="card history" aria-label={`Annotation ${id.slice(0, 8)}`}>
            <header className="row">
              <strong>{last.type} · {labelOf(last)}</strong>
              <span className="mono muted">{id.slice(0, 8)}</span>
              {last.deleted && <span className="badge">deleted</span>}
              {corrected && <span className="badge">pre-label corrected</span>}
            </header>
            <table className="table compact">
              <thead><tr><th scope="col">Version</th><th scope="col">When</th><th scope="col">Source</th><th scope="col">Label</th><th scope="col">Geometry</th></tr></thead>
              <tbody>
                {vs.map((v) => (
                  <tr key={v.version}>
                    <td>v{v.version}{v.deleted ? " (deleted)" : ""}</td>
                    <td><time dateTime={v.created_at}>{new Date(v.created_at).toLocaleString()}</time></td>
                    <td>{v.source === "model" ? `${v.model_name ?? "model"}${v.score === null ? "" : ` ${Math.round(v.score * 100)}%`}` : `human${v.author_id === null ? "" : ` #${v.author_id}`}`}</td>
                    <td>{labelOf(v)}</td>
                    <td className="mono geometry">{v.geometry === null ? "—" : JSON.stringify(v.geometry)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </article>
        );
      })}
      {history.hasNextPage && <button type="button" onClick={() => void history.fetchNextPage()}>Older versions…</button>}
    </section>
  );
}
