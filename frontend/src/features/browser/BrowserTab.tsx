/** The data browser: upload, filter by name and kind, and scroll through every file's thumbnail. */
import { useCallback, useDeferredValue, useState } from "react";
import { ErrorMessage } from "../../components/ErrorMessage";
import { useProject } from "../projects/api";
import { useProjectId } from "../projects/ProjectPage";
import { useFilePages, type FileKind } from "./api";
import { FileGrid } from "./FileGrid";
import { UploadZone } from "./UploadZone";

export function BrowserTab() {
  const projectId = useProjectId();
  const project = useProject(projectId);
  const [name, setName] = useState("");
  const [kind, setKind] = useState<FileKind | "">("");
  const deferredName = useDeferredValue(name.trim());
  const pages = useFilePages(projectId, { name: deferredName, kind });
  const files = pages.data?.pages.flatMap((p) => p.items) ?? [];
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = pages;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const canUpload = project.data?.role === "admin" || project.data?.role === "editor";

  return (
    <section aria-labelledby="files-title" className="browser">
      <h2 id="files-title" className="visually-hidden">Files</h2>
      {canUpload && <UploadZone projectId={projectId} />}
      <div className="row filters" role="search">
        <label htmlFor="file-name-filter">Name contains</label>
        <input id="file-name-filter" type="search" value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="file-kind-filter">Kind</label>
        <select id="file-kind-filter" value={kind} onChange={(e) => setKind(e.target.value as FileKind | "")}>
          <option value="">all</option>
          <option value="image">images</option>
          <option value="text">texts</option>
        </select>
        <span className="muted" role="status">
          {pages.isPending ? "Loading…" : `${files.length}${hasNextPage ? "+" : ""} file${files.length === 1 ? "" : "s"}`}
        </span>
      </div>
      {pages.isError && <ErrorMessage error={pages.error} />}
      <FileGrid files={files} hasMore={Boolean(hasNextPage)} loadMore={loadMore} />
    </section>
  );
}
