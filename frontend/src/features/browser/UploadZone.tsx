/** Drop files here (or choose them) to upload them in batches, with a progress bar per batch. */
import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type DragEvent } from "react";
import { errorMessage } from "../../api/client";
import { batches, uploadBatch } from "../../api/upload";
import { fileKeys, formatBytes } from "./api";

interface Batch {
  readonly id: number;
  readonly names: string;
  readonly total: number;
  loaded: number;
  state: "waiting" | "uploading" | "done" | "failed";
  message: string;
}

let nextBatch = 0;

/** Uploads go into the project and, when one is given (the dataset being browsed), into that dataset. */
export function UploadZone({ projectId, datasetId = null }: { projectId: number; datasetId?: number | null }) {
  const qc = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [jobs, setJobs] = useState<Batch[]>([]);

  const patch = (id: number, p: Partial<Batch>) => setJobs((js) => js.map((j) => (j.id === id ? { ...j, ...p } : j)));

  async function upload(files: File[]) {
    if (files.length === 0) return;
    const planned = batches(files).map((group) => ({
      group,
      job: {
        id: ++nextBatch, names: group.length === 1 ? group[0]!.name : `${group.length} files`,
        total: group.reduce((s, f) => s + f.size, 0), loaded: 0, state: "waiting" as const, message: "",
      },
    }));
    setJobs((js) => [...planned.map((p) => p.job), ...js].slice(0, 20));
    for (const { group, job } of planned) {
      patch(job.id, { state: "uploading" });
      try {
        const result = await uploadBatch(projectId, group, (p) => patch(job.id, { loaded: p.loaded }), undefined, datasetId);
        const dup = result.items.filter((i) => i.status === "duplicate").length;
        patch(job.id, {
          state: "done", loaded: job.total,
          message: `${result.items.length} uploaded${dup ? ` (${dup} already in the project)` : ""}`,
        });
      } catch (err) {
        patch(job.id, { state: "failed", message: errorMessage(err) });
      }
      await qc.invalidateQueries({ queryKey: fileKeys.list(projectId) });
      if (datasetId !== null) await qc.invalidateQueries({ queryKey: ["projects", projectId, "datasets"] });
    }
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setOver(false);
    void upload(Array.from(e.dataTransfer.files));
  }

  return (
    <section aria-label="Upload files" className="upload">
      <div className={over ? "dropzone over" : "dropzone"} data-testid="dropzone"
           onDragOver={(e) => { e.preventDefault(); setOver(true); }}
           onDragLeave={() => setOver(false)} onDrop={onDrop}>
        <p>Drop images (JPEG, PNG, WebP) or texts (.txt, .jsonl) here{datasetId !== null ? " (they join this dataset too)" : ""}, or</p>
        <button type="button" onClick={() => input.current?.click()}>Choose files…</button>
        <input ref={input} type="file" multiple hidden aria-label="Files to upload"
               accept="image/jpeg,image/png,image/webp,.txt,.jsonl,text/plain"
               onChange={(e) => { void upload(Array.from(e.target.files ?? [])); e.target.value = ""; }} />
      </div>
      {jobs.length > 0 && (
        <ul className="uploads" aria-live="polite">
          {jobs.map((j) => (
            <li key={j.id} className={`upload-job ${j.state}`}>
              <span>{j.names} · {formatBytes(j.total)}</span>
              <progress max={j.total || 1} value={j.loaded} aria-label={`Upload of ${j.names}`} />
              <span className={j.state === "failed" ? "error" : "muted"}>
                {j.state === "uploading" ? `${Math.round((100 * j.loaded) / (j.total || 1))}%` : j.message || j.state}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
