/**
 * The data browser: upload; filter by query, dataset, name and kind (query and dataset live in the
 * URL, so a slice can be shared); select files to add to or remove from a dataset; and scroll
 * through every matching file's thumbnail.
 */
import { useCallback, useDeferredValue, useMemo, useState } from "react";
import { useSearchParams } from "react-router";
import { ErrorMessage } from "../../components/ErrorMessage";
import { useDatasets } from "../datasets/api";
import { useProject } from "../projects/api";
import { useProjectId } from "../projects/ProjectPage";
import { useFileCount, useFilePages, type FileKind } from "./api";
import { FileGrid } from "./FileGrid";
import { QueryBar } from "./QueryBar";
import { allOf, quoteString } from "./queryText";
import { EMPTY_SELECTION, clickSelect, keepShown } from "./selection";
import { SelectionBar } from "./SelectionBar";
import { UploadZone } from "./UploadZone";

export function BrowserTab() {
  const projectId = useProjectId();
  const project = useProject(projectId);
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const datasetId = Number(params.get("dataset")) || null;
  const [name, setName] = useState("");
  const [kind, setKind] = useState<FileKind | "">("");
  const deferredName = useDeferredValue(name.trim());
  const role = project.data?.role;
  const canEdit = role === "admin" || role === "editor";
  const datasets = useDatasets(projectId, role !== undefined && role !== "annotator");
  const dataset = datasets.data?.find((d) => d.id === datasetId) ?? null;

  const pages = useFilePages(projectId, { name: deferredName, kind, q, datasetId });
  const files = useMemo(() => pages.data?.pages.flatMap((p) => p.items) ?? [], [pages.data]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = pages;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  // The count endpoint takes a query, so the dataset and kind filters join it; a name filter has no
  // exact equivalent (it ignores case), and then the grid counts what it loaded.
  const countQuery = allOf(q, kind ? `file.kind = '${kind}'` : "", dataset ? `dataset = ${quoteString(dataset.name)}` : "");
  const count = useFileCount(projectId, countQuery, deferredName === "" && (datasetId === null || dataset !== null));

  const [selection, setSelection] = useState(EMPTY_SELECTION);
  const order = useMemo(() => files.map((f) => f.id), [files]);
  const sel = keepShown(selection, order);

  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: key !== "q" });
  };

  const shown = `${files.length}${hasNextPage ? "+" : ""} file${files.length === 1 && !hasNextPage ? "" : "s"}`;
  const total = count.data !== undefined && deferredName === "" ? `${count.data} file${count.data === 1 ? "" : "s"}` : shown;
  return (
    <section aria-labelledby="files-title" className="browser">
      <h2 id="files-title" className="visually-hidden">Files</h2>
      {canEdit && <UploadZone projectId={projectId} datasetId={datasetId} />}
      <QueryBar projectId={projectId} value={q} onApply={(v) => setParam("q", v)} applyError={pages.error} />
      <div className="row filters wrap" role="group" aria-label="Filters">
        {datasets.data && (
          <>
            <label htmlFor="file-dataset-filter">Dataset</label>
            <select id="file-dataset-filter" value={datasetId ?? ""} onChange={(e) => setParam("dataset", e.target.value)}>
              <option value="">all files</option>
              {datasets.data.map((d) => <option key={d.id} value={d.id}>{d.name} ({d.file_count})</option>)}
            </select>
          </>
        )}
        <label htmlFor="file-name-filter">Name contains</label>
        <input id="file-name-filter" type="search" value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="file-kind-filter">Kind</label>
        <select id="file-kind-filter" value={kind} onChange={(e) => setKind(e.target.value as FileKind | "")}>
          <option value="">all</option>
          <option value="image">images</option>
          <option value="text">texts</option>
        </select>
        <span className="muted" role="status" data-testid="file-count">
          {pages.isPending ? "Loading…" : pages.isError ? "" : total}
        </span>
      </div>
      {canEdit && datasets.data && (
        <SelectionBar projectId={projectId} selected={sel.ids} datasets={datasets.data} current={dataset}
                      onSelectAll={() => setSelection({ ids: new Set(order), anchor: null })}
                      onClear={() => setSelection(EMPTY_SELECTION)} />
      )}
      {pages.isError && !q && <ErrorMessage error={pages.error} />}
      {pages.isSuccess && files.length === 0 && (
        <p className="muted" role="status">{q || name || kind || datasetId ? "No files match these filters." : "No files yet."}</p>
      )}
      <FileGrid files={files} hasMore={Boolean(hasNextPage)} loadMore={loadMore}
                selected={canEdit ? sel.ids : undefined}
                onSelect={canEdit ? (id, shift) => setSelection(clickSelect(sel, order, id, shift)) : undefined} />
    </section>
  );
}
