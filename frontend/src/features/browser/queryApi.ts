/** The query bar's server calls: completions at the cursor and validation with a position. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { ApiError, api, unwrap, type Schemas } from "../../api/client";

export type Suggestions = Schemas["Suggestions"];

/** Completions for `text` with the cursor at code point `cursor` (the previous answer stays while typing). */
export function useSuggestions(projectId: number, text: string, cursor: number, enabled: boolean) {
  return useQuery({
    queryKey: ["projects", projectId, "query", "suggestions", text, cursor] as const,
    enabled,
    retry: false,
    staleTime: 30_000,
    placeholderData: keepPreviousData,
    queryFn: async ({ signal }) =>
      unwrap(await api.GET("/api/v1/projects/{project_id}/query/suggestions", {
        params: { path: { project_id: projectId }, query: { q: text, cursor_pos: cursor, limit: 12 } }, signal,
      })),
  });
}

export type Validation = { ok: true; canonical: string } | { ok: false; error: ApiError };

/** Whether `text` is a valid query for this project; a 422 is an answer here, not a failure. */
export function useValidation(projectId: number, text: string) {
  return useQuery({
    queryKey: ["projects", projectId, "query", "validate", text] as const,
    enabled: text.trim() !== "",
    retry: false,
    staleTime: 30_000,
    queryFn: async ({ signal }): Promise<Validation> => {
      try {
        const res = unwrap(await api.POST("/api/v1/projects/{project_id}/query/validate", {
          params: { path: { project_id: projectId } }, body: { q: text }, signal,
        }));
        return { ok: true, canonical: res.query };
      } catch (err) {
        if (err instanceof ApiError && err.status === 422) return { ok: false, error: err };
        throw err;
      }
    },
  });
}
