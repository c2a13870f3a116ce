/** Label schemas through the generated client. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../api/client";

export type LabelSchema = Schemas["SchemaRead"];

export const schemaKeys = {
  list: (projectId: number) => ["projects", projectId, "schemas"] as const,
  one: (projectId: number, schemaId: number) => ["projects", projectId, "schemas", schemaId] as const,
};

export function useSchemas(projectId: number) {
  return useQuery({
    queryKey: schemaKeys.list(projectId),
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/projects/{project_id}/schemas", {
        params: { path: { project_id: projectId }, query: { limit: 500 } },
      })).items,
  });
}

export function useSchema(projectId: number, schemaId: number | null) {
  return useQuery({
    queryKey: schemaKeys.one(projectId, schemaId ?? 0),
    enabled: schemaId !== null,
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/projects/{project_id}/schemas/{schema_id}", {
        params: { path: { project_id: projectId, schema_id: schemaId! } },
      })),
  });
}

export function useSaveSchema(projectId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, revision, body }: { id: number | null; revision: number; body: Schemas["SchemaCreate"] }) => {
      const path = { project_id: projectId };
      if (id === null) return unwrap(await api.POST("/api/v1/projects/{project_id}/schemas", { params: { path }, body }));
      return unwrap(await api.PUT("/api/v1/projects/{project_id}/schemas/{schema_id}", {
        params: { path: { ...path, schema_id: id } }, body: { ...body, revision },
      }));
    },
    onSuccess: (saved) => {
      qc.setQueryData(schemaKeys.one(projectId, saved.id), saved);
      void qc.invalidateQueries({ queryKey: schemaKeys.list(projectId), exact: true });
    },
  });
}

/** Every label of the project by id (archived ones too: history still names them). */
export function useLabelIndex(projectId: number): Map<number, { name: string; color: string }> {
  const schemas = useSchemas(projectId);
  const index = new Map<number, { name: string; color: string }>();
  for (const s of schemas.data ?? []) for (const l of s.labels) index.set(l.id, { name: l.name, color: l.color });
  return index;
}
