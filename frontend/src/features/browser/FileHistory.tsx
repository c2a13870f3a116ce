/**
 * A file's annotation history: each pre-label beside the person's correction (or acceptance, or
 * rejection), then every version of every annotation.
 */
import type { Schemas } from "../../api/client";
import { ErrorMessage } from "../../components/ErrorMessage";
import { useMembers } from "../projects/api";
import { useLabelIndex } from "../schemas/api";
import { useFileHistory, type FileRead } from "./api";
import { byAnnotation, correctionOf, type Correction, type Version } from "./history";
import { ShapePreview } from "./ShapePreview";

type Label = Schemas["LabelRead"];

interface Names {
  label(v: Version): string;
  color(v: Version): string;
  person(id: number | null): string;
}

const pct = (s: number | null) => (s === null ? "" : ` ${Math.round(s * 100)}%`);

function sourceText(v: Version, names: Names): string {
  return v.source === "model" ? `${v.model_name ?? "model"}${pct(v.score)}` : `human, ${names.person(v.author_id)}`;
}

export function FileHistory({ file }: { file: FileRead }) {
  const history = useFileHistory(file.project_id, file.id);
  const labels = useLabelIndex(file.project_id);
  const members = useMembers(file.project_id);
  const people = new Map((members.data?.items ?? []).map((m) => [m.user_id, m.name || m.email]));
  const label = (v: Version): Pick<Label, "name" | "color"> | undefined => (v.label_id === null ? undefined : labels.get(v.label_id));
  const names: Names = {
    label: (v) => (v.label_id === null ? "—" : label(v)?.name ?? `#${v.label_id}`),
    color: (v) => label(v)?.color ?? "#ffbf47",
    person: (id) => (id === null ? "someone" : people.get(id) ?? `user #${id}`),
  };
  const groups = byAnnotation(history.data?.pages.flatMap((p) => p.items) ?? []);
  const corrections = [...groups.values()].map(correctionOf).filter((c): c is Correction => c !== null);

  return (
    <section aria-labelledby="history-title" className="stack">
      <h3 id="history-title">Annotation history</h3>
      {history.isError && <ErrorMessage error={history.error} />}
      {history.isSuccess && groups.size === 0 && <p className="muted">No annotations yet.</p>}
      {corrections.length > 0 && (
        <section aria-labelledby="corrections-title" className="stack">
          <h4 id="corrections-title">Pre-labels and their human review ({corrections.length})</h4>
          <ul className="corrections">
            {corrections.map((c) => <CorrectionCard key={c.prelabel.annotation_id} c={c} file={file} names={names} />)}
          </ul>
        </section>
      )}
      {[...groups.entries()].map(([id, vs]) => <VersionTable key={id} id={id} versions={vs} names={names} />)}
      {history.hasNextPage && <button type="button" onClick={() => void history.fetchNextPage()}>Older versions…</button>}
    </section>
  );
}

function CorrectionCard({ c, file, names }: { c: Correction; file: FileRead; names: Names }) {
  const { prelabel: pre, correction: fix } = c;
  const image = file.kind === "image" && file.width !== null && file.height !== null ? { width: file.width, height: file.height } : null;
  const verdict = { accepted: "accepted as is", corrected: `corrected: ${c.changed.join(", ")}`, rejected: "rejected" }[c.verdict];
  return (
    <li className="card correction" aria-label={`Pre-label ${pre.annotation_id.slice(0, 8)}, ${verdict}`}>
      <figure>
        <figcaption>
          <strong>Pre-label</strong> v{pre.version} · {names.label(pre)} · {sourceText(pre, names)}
        </figcaption>
        {image && <ShapePreview imageUrl={file.content_url} image={image} type={pre.type} geometry={pre.geometry}
                                color={names.color(pre)} dashed frameWith={fix.deleted ? undefined : fix}
                                title={`the model's ${pre.type} labelled ${names.label(pre)}`} />}
        {!image && <p className="mono">{JSON.stringify(pre.geometry)}</p>}
      </figure>
      <figure>
        <figcaption>
          <strong>{c.verdict === "rejected" ? "Rejected" : "Human"}</strong> v{fix.version} · {c.verdict === "rejected" ? "" : `${names.label(fix)} · `}
          {names.person(fix.author_id)} <span className={`badge verdict-${c.verdict}`}>{verdict}</span>
        </figcaption>
        {image && !fix.deleted && <ShapePreview imageUrl={file.content_url} image={image} type={fix.type} geometry={fix.geometry}
                                                color={names.color(fix)} frameWith={pre}
                                                title={`the corrected ${fix.type} labelled ${names.label(fix)}`} />}
        {!image && !fix.deleted && <p className="mono">{JSON.stringify(fix.geometry)}</p>}
        {fix.deleted && <p className="muted">Deleted by {names.person(fix.author_id)}.</p>}
      </figure>
    </li>
  );
}

function VersionTable({ id, versions: vs, names }: { id: string; versions: Version[]; names: Names }) {
  const last = vs.at(-1)!;
  return (
    <article className="card history" aria-label={`Annotation ${id.slice(0, 8)}`}>
      <header className="row">
        <strong>{last.type} · {names.label(last)}</strong>
        <span className="mono muted">{id.slice(0, 8)}</span>
        {last.deleted && <span className="badge">deleted</span>}
      </header>
      <table className="table compact">
        <thead><tr><th scope="col">Version</th><th scope="col">When</th><th scope="col">Source</th><th scope="col">Label</th><th scope="col">Geometry</th></tr></thead>
        <tbody>
          {vs.map((v) => (
            <tr key={v.version}>
              <td>v{v.version}{v.deleted ? " (deleted)" : ""}</td>
              <td><time dateTime={v.created_at}>{new Date(v.created_at).toLocaleString()}</time></td>
              <td>{sourceText(v, names)}</td>
              <td>{names.label(v)}</td>
              <td className="mono geometry">{v.geometry === null ? "—" : JSON.stringify(v.geometry)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </article>
  );
}
