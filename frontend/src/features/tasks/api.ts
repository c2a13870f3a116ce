/** Tasks: progress, the queue ("next"), actions on a task, bulk creation. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../api/client";

export type Task = Schemas["TaskRead"];
export type TaskAction = Schemas["Action"];
export type TaskStatus = Schemas["TaskStatus"];
export type TaskKind = Schemas["TaskKind"];

export const taskKeys = {
  all: (projectId: number) => ["projects", projectId, "tasks"] as const,
  progress: (projectId: number) => ["projects", projectId, "tasks", "progress"] as const,
  list: (projectId: number, statuses: readonly TaskStatus[]) => ["projects", projectId, "tasks", "list", statuses] as const,
  one: (projectId: number, taskId: number) => ["projects", projectId, "tasks", taskId] as const,
};

export const ACTION_LABELS: Record<TaskAction, string> = {
  start: "Start", submit: "Submit", skip: "Skip", release: "Release", start_review: "Start review",
  approve: "Approve", request_changes: "Request changes", resume: "Resume", reopen: "Reopen", assign: "Assign",
};

/** Actions after which the person moves on to their next task. */
export const FINISHING: ReadonlySet<TaskAction> = new Set(["submit", "skip", "release", "approve", "request_changes"]);

export function useTaskProgress(projectId: number) {
  return useQuery({
    queryKey: taskKeys.progress(projectId),
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/projects/{project_id}/tasks/progress", { params: { path: { project_id: projectId } } })),
  });
}

export function useTaskList(projectId: number, statuses: readonly TaskStatus[], enabled = true) {
  return useQuery({
    queryKey: taskKeys.list(projectId, statuses),
    enabled,
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/projects/{project_id}/tasks", {
        params: { path: { project_id: projectId }, query: { status: [...statuses], limit: 100 } },
      })).items,
  });
}

export function useTask(projectId: number, taskId: number | null) {
  return useQuery({
    queryKey: taskKeys.one(projectId, taskId ?? 0),
    enabled: taskId !== null,
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/projects/{project_id}/tasks/{task_id}", {
        params: { path: { project_id: projectId, task_id: taskId! } },
      })),
  });
}

/** Take the next task (null: nothing is waiting for the caller). */
export async function takeNext(projectId: number, kind?: TaskKind): Promise<Task | null> {
  const res = await api.POST("/api/v1/projects/{project_id}/tasks/next", {
    params: { path: { project_id: projectId } }, body: kind ? { kind } : {},
  });
  if (res.response.status === 204) return null;
  return unwrap(res);
}

export function useTaskAction(projectId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ task, action, comment }: { task: Task; action: TaskAction; comment?: string }) =>
      unwrap(await api.POST("/api/v1/projects/{project_id}/tasks/{task_id}/actions", {
        params: { path: { project_id: projectId, task_id: task.id } },
        body: { action, version: task.version, ...(comment ? { comment } : {}) },
      })),
    onSuccess: (task) => {
      qc.setQueryData(taskKeys.one(projectId, task.id), task);
      void qc.invalidateQueries({ queryKey: taskKeys.all(projectId) });
    },
  });
}

/** Create annotate tasks for every file of the project (files with an open task are skipped). */
export async function createTasksForAllFiles(projectId: number, schemaId: number): Promise<{ created: number; skipped: number }> {
  let cursor: string | null = null;
  let created = 0, skipped = 0;
  do {
    const page: Schemas["Page_FileRead_"] = unwrap(await api.GET("/api/v1/projects/{project_id}/files", {
      params: { path: { project_id: projectId }, query: { limit: 500, cursor } },
    }));
    if (page.items.length > 0) {
      const res = unwrap(await api.POST("/api/v1/projects/{project_id}/tasks", {
        params: { path: { project_id: projectId } },
        body: { file_ids: page.items.map((f) => f.id), schema_id: schemaId, kind: "annotate" },
      }));
      created += res.created.length;
      skipped += res.skipped.length;
    }
    cursor = page.next_cursor ?? null;
  } while (cursor !== null);
  return { created, skipped };
}
