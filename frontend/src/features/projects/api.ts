/** Projects and members through the generated client. */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../api/client";

export type Project = Schemas["ProjectRead"];
export type Member = Schemas["MemberRead"];
export type Role = Schemas["Role"];

export const projectKeys = {
  all: ["projects"] as const,
  one: (id: number) => ["projects", id] as const,
  members: (id: number) => ["projects", id, "members"] as const,
};

export function useProjects() {
  return useInfiniteQuery({
    queryKey: projectKeys.all,
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET("/api/v1/projects", { params: { query: { limit: 100, cursor: pageParam } } })),
    getNextPageParam: (last) => last.next_cursor ?? null,
  });
}

export function useProject(id: number) {
  return useQuery({
    queryKey: projectKeys.one(id),
    queryFn: async () => unwrap(await api.GET("/api/v1/projects/{project_id}", { params: { path: { project_id: id } } })),
  });
}

export function useCreateProject() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: Schemas["ProjectCreate"]) => unwrap(await api.POST("/api/v1/projects", { body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: projectKeys.all }),
  });
}

export function useMembers(projectId: number) {
  return useQuery({
    queryKey: projectKeys.members(projectId),
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/projects/{project_id}/members", {
        params: { path: { project_id: projectId }, query: { limit: 500 } },
      })),
  });
}

export function useAddMember(projectId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: Schemas["MemberCreate"]) =>
      unwrap(await api.POST("/api/v1/projects/{project_id}/members", { params: { path: { project_id: projectId } }, body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: projectKeys.members(projectId) }),
  });
}

export function useChangeRole(projectId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ memberId, role }: { memberId: number; role: Role }) =>
      unwrap(await api.PATCH("/api/v1/projects/{project_id}/members/{member_id}", {
        params: { path: { project_id: projectId, member_id: memberId } }, body: { role },
      })),
    onSuccess: () => qc.invalidateQueries({ queryKey: projectKeys.members(projectId) }),
  });
}

export function useRemoveMember(projectId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (memberId: number) => {
      const res = await api.DELETE("/api/v1/projects/{project_id}/members/{member_id}", {
        params: { path: { project_id: projectId, member_id: memberId } },
      });
      if (!res.response.ok) unwrap(res);
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: projectKeys.members(projectId) }),
  });
}
