/** Batch upload with byte progress (XMLHttpRequest: fetch cannot report upload progress everywhere). */
import { toApiError, type Schemas } from "./client";

export interface UploadProgress {
  readonly loaded: number;
  readonly total: number;
}

/** Split files into batches of at most `maxFiles` files and roughly `maxBytes` bytes. */
export function batches(files: readonly File[], maxFiles = 50, maxBytes = 64 << 20): File[][] {
  const out: File[][] = [];
  let current: File[] = [];
  let bytes = 0;
  for (const f of files) {
    if (current.length > 0 && (current.length >= maxFiles || bytes + f.size > maxBytes)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(f);
    bytes += f.size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** POST one batch as multipart `files` (into a dataset too, if given); resolves with the server's result, rejects with ApiError. */
export function uploadBatch(
  projectId: number,
  files: readonly File[],
  onProgress: (p: UploadProgress) => void,
  signal?: AbortSignal,
  datasetId: number | null = null,
): Promise<Schemas["UploadResult"]> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const f of files) form.append("files", f, f.name);
    if (datasetId !== null) form.append("dataset_id", String(datasetId));
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/v1/projects/${projectId}/files`);
    xhr.responseType = "json";
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress({ loaded: e.loaded, total: e.total });
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(xhr.response as Schemas["UploadResult"]);
      else reject(toApiError(xhr.status, xhr.response));
    };
    xhr.onerror = () => reject(toApiError(0, null));
    xhr.onabort = () => reject(new DOMException("Upload cancelled", "AbortError"));
    signal?.addEventListener("abort", () => xhr.abort());
    xhr.send(form);
  });
}
