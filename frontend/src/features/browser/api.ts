/** Files of a project: cursor pages, one file, its annotation history. */
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { ApiError, api, unwrap, type Schemas } from "../../api/client";

export type FileRead = Schemas["FileRead"];
export type FileKind = Schemas["FileKind"];

export interface FileFilter {
  readonly name: string;
  readonly kind: FileKind | "";
  /** A query in the query language (docs/query.md); empty: every file. */
  readonly q?: string;
  readonly datasetId?: number | null;
}

export const fileKeys = {
  list: (projectId: number) => ["projects", projectId, "files"] as const,
  filtered: (projectId: number, f: FileFilter) => ["projects", projectId, "files", "list", f] as const,
  one: (projectId: number, fileId: number) => ["projects", projectId, "files", fileId] as const,
  history: (projectId: number, fileId: number) => ["projects", projectId, "files", fileId, "history"] as const,
};

export const PAGE_SIZE = 100;

export function useFilePages(projectId: number, filter: FileFilter) {
  return useInfiniteQuery({
    queryKey: fileKeys.filtered(projectId, filter),
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam, signal }) =>
      unwrap(await api.GET("/api/v1/projects/{project_id}/files", {
        params: {
          path: { project_id: projectId },
          query: {
            limit: PAGE_SIZE, cursor: pageParam, name: filter.name || null, kind: filter.kind || null,
            q: filter.q || null, dataset_id: filter.datasetId ?? null,
          },
        },
        signal,
      })),
    getNextPageParam: (last) => last.next_cursor ?? null,
    // A query the server refuses (422) is shown as it is; asking again cannot help.
    retry: (n, err) => n < 2 && !(err instanceof ApiError && err.status < 500),
  });
}

/** How many files a query matches (annotators: among their own files). */
export function useFileCount(projectId: number, q: string, enabled = true) {
  return useQuery({
    queryKey: [...fileKeys.list(projectId), "count", q] as const,
    enabled,
    retry: false,
    queryFn: async ({ signal }) =>
      unwrap(await api.GET("/api/v1/projects/{project_id}/files/count", {
        params: { path: { project_id: projectId }, query: { q: q || null } }, signal,
      })).count,
  });
}

export function useFile(projectId: number, fileId: number) {
  return useQuery({
    queryKey: fileKeys.one(projectId, fileId),
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/projects/{project_id}/files/{file_id}", {
        params: { path: { project_id: projectId, file_id: fileId } },
      })),
  });
}

export function useFileHistory(projectId: number, fileId: number) {
  return useInfiniteQuery({
    queryKey: fileKeys.history(projectId, fileId),
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET("/api/v1/projects/{project_id}/files/{file_id}/history", {
        params: { path: { project_id: projectId, file_id: fileId }, query: { limit: 500, cursor: pageParam } },
      })),
    getNextPageParam: (last) => last.next_cursor ?? null,
  });
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
