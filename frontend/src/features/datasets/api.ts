/** Datasets (named sets of files) and their membership, through the generated client. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../api/client";
import { fileKeys } from "../browser/api";

export type Dataset = Schemas["DatasetRead"];

export const datasetKeys = {
  list: (projectId: number) => ["projects", projectId, "datasets"] as const,
};

/** Every dataset of the project (pages followed to the end: projects have tens, not thousands). */
export function useDatasets(projectId: number, enabled = true) {
  return useQuery({
    queryKey: datasetKeys.list(projectId),
    enabled,
    queryFn: async () => {
      const out: Dataset[] = [];
      let cursor: string | null = null;
      do {
        const page: Schemas["Page_DatasetRead_"] = unwrap(await api.GET("/api/v1/projects/{project_id}/datasets", {
          params: { path: { project_id: projectId }, query: { limit: 500, cursor } },
        }));
        out.push(...page.items);
        cursor = page.next_cursor ?? null;
      } while (cursor !== null);
      return out;
    },
  });
}

function useInvalidate(projectId: number) {
  const qc = useQueryClient();
  return () => Promise.all([
    qc.invalidateQueries({ queryKey: datasetKeys.list(projectId) }),
    qc.invalidateQueries({ queryKey: fileKeys.list(projectId) }),
  ]);
}

export function useCreateDataset(projectId: number) {
  const invalidate = useInvalidate(projectId);
  return useMutation({
    mutationFn: async (body: Schemas["DatasetCreate"]) =>
      unwrap(await api.POST("/api/v1/projects/{project_id}/datasets", { params: { path: { project_id: projectId } }, body })),
    onSuccess: invalidate,
  });
}

export function useUpdateDataset(projectId: number) {
  const invalidate = useInvalidate(projectId);
  return useMutation({
    mutationFn: async ({ id, ...body }: Schemas["DatasetUpdate"] & { id: number }) =>
      unwrap(await api.PATCH("/api/v1/projects/{project_id}/datasets/{dataset_id}", {
        params: { path: { project_id: projectId, dataset_id: id } }, body,
      })),
    onSuccess: invalidate,
  });
}

export function useDeleteDataset(projectId: number) {
  const invalidate = useInvalidate(projectId);
  return useMutation({
    mutationFn: async (id: number) => {
      const res = await api.DELETE("/api/v1/projects/{project_id}/datasets/{dataset_id}", {
        params: { path: { project_id: projectId, dataset_id: id } },
      });
      if (!res.response.ok) unwrap(res);
    },
    onSuccess: invalidate,
  });
}

/** Add files to a dataset, or remove them; answers how many actually changed. */
export function useDatasetFiles(projectId: number) {
  const invalidate = useInvalidate(projectId);
  return useMutation({
    mutationFn: async ({ datasetId, fileIds, remove }: { datasetId: number; fileIds: number[]; remove?: boolean }) => {
      const params = { path: { project_id: projectId, dataset_id: datasetId } };
      const body = { file_ids: fileIds };
      return unwrap(remove
        ? await api.DELETE("/api/v1/projects/{project_id}/datasets/{dataset_id}/files", { params, body })
        : await api.POST("/api/v1/projects/{project_id}/datasets/{dataset_id}/files", { params, body }));
    },
    onSuccess: invalidate,
  });
}
