/** One file: a preview, its facts, and the history of its annotations (a pre-label beside its correction). */
import { Link, useParams } from "react-router";
import { ErrorMessage } from "../../components/ErrorMessage";
import { useProjectId } from "../projects/ProjectPage";
import { formatBytes, useFile } from "./api";
import { FileHistory } from "./FileHistory";

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
      <FileHistory file={f} />
    </section>
  );
}
