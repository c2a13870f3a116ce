/** Workflows through the generated client: the block catalogue, definitions, validation, runs. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, api, toApiError, unwrap, type Schemas } from "../../api/client";

export type Block = Schemas["BlockRead"];
export type Workflow = Schemas["WorkflowRead"];
export type WorkflowDetail = Schemas["WorkflowDetail"];
export type Run = Schemas["WorkflowRunRead"];
export type RunDetail = Schemas["WorkflowRunDetail"];
export type Step = Schemas["StepRead"];
export type Artifact = Schemas["ArtifactRead"];

/** One problem of a definition, where the server found it (1-based). */
export interface Problem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly path: string;
}

/** A definition the server refused (422), with every problem it found. */
export class DefinitionProblems extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems[0]?.message ?? "invalid workflow definition");
  }
}

const TERMINAL = new Set(["succeeded", "failed", "cancelled", "skipped"]);
export const isFinished = (status: string) => TERMINAL.has(status);

export const workflowKeys = {
  all: (projectId: number) => ["projects", projectId, "workflows"] as const,
  one: (projectId: number, id: number) => ["projects", projectId, "workflows", id] as const,
  runs: (projectId: number, id: number) => ["projects", projectId, "workflows", id, "runs"] as const,
  run: (projectId: number, runId: number) => ["projects", projectId, "workflow-runs", runId] as const,
};

/** The body of a failed call: a 422 with `errors` becomes DefinitionProblems, anything else an ApiError. */
function refused(res: { error?: unknown; response: Response }): Error {
  const body = res.error as { errors?: Problem[] } | undefined;
  if (res.response.status === 422 && Array.isArray(body?.errors) && body.errors.length > 0) return new DefinitionProblems(body.errors);
  return toApiError(res.response.status, res.error);
}

export function useBlocks() {
  return useQuery({
    queryKey: ["blocks"],
    staleTime: 60_000,
    queryFn: async () => unwrap(await api.GET("/api/v1/blocks")),
  });
}

export function useWorkflows(projectId: number) {
  return useQuery({
    queryKey: workflowKeys.all(projectId),
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/projects/{project_id}/workflows", {
        params: { path: { project_id: projectId }, query: { limit: 200 } },
      })).items,
  });
}

export function useWorkflow(projectId: number, id: number | null) {
  return useQuery({
    queryKey: workflowKeys.one(projectId, id ?? 0),
    enabled: id !== null,
    staleTime: Infinity, // the builder owns the source while it is open
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/projects/{project_id}/workflows/{workflow_id}", {
        params: { path: { project_id: projectId, workflow_id: id! } },
      })),
  });
}

/** Check a source; resolves with the value names in order, rejects with DefinitionProblems. */
export async function validate(projectId: number, source: string, signal?: AbortSignal): Promise<string[]> {
  const res = await api.POST("/api/v1/projects/{project_id}/workflows/validate", {
    params: { path: { project_id: projectId } }, body: { source, format: "yaml" }, signal,
  });
  if (!res.response.ok) throw refused(res);
  return res.data!.values;
}

export type Layout = WorkflowDetail["layout"];

/**
 * Save the builder: a new workflow (id null), a new version of one (its source changed), or only
 * where its nodes sit on the canvas (the layout is not versioned).
 */
export function useSaveWorkflow(projectId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, source, layout, layoutOnly = false }: {
      id: number | null; source: string; layout: Layout; layoutOnly?: boolean;
    }): Promise<WorkflowDetail> => {
      const res = id === null
        ? await api.POST("/api/v1/projects/{project_id}/workflows", {
          params: { path: { project_id: projectId } }, body: { source, format: "yaml", enabled: true, layout },
        })
        : layoutOnly
          ? await api.PATCH("/api/v1/projects/{project_id}/workflows/{workflow_id}", {
            params: { path: { project_id: projectId, workflow_id: id } }, body: { layout },
          })
          : await api.PUT("/api/v1/projects/{project_id}/workflows/{workflow_id}", {
            params: { path: { project_id: projectId, workflow_id: id } }, body: { source, format: "yaml", layout },
          });
      if (!res.response.ok) throw refused(res);
      return res.data!;
    },
    onSuccess: (wf) => {
      qc.setQueryData(workflowKeys.one(projectId, wf.id), wf);
      void qc.invalidateQueries({ queryKey: workflowKeys.all(projectId), exact: true });
    },
  });
}

export function useSetEnabled(projectId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, enabled }: { id: number; enabled: boolean }) =>
      unwrap(await api.PATCH("/api/v1/projects/{project_id}/workflows/{workflow_id}", {
        params: { path: { project_id: projectId, workflow_id: id } }, body: { enabled },
      })),
    onSuccess: (wf) => {
      qc.setQueryData(workflowKeys.one(projectId, wf.id), wf);
      void qc.invalidateQueries({ queryKey: workflowKeys.all(projectId), exact: true });
    },
  });
}

export function useDeleteWorkflow(projectId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (id: number) => {
      const res = await api.DELETE("/api/v1/projects/{project_id}/workflows/{workflow_id}", {
        params: { path: { project_id: projectId, workflow_id: id } },
      });
      if (!res.response.ok) unwrap(res);
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: workflowKeys.all(projectId), exact: true }),
  });
}

export function useTriggerRun(projectId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, fileIds }: { id: number; fileIds: number[] | null }) =>
      unwrap(await api.POST("/api/v1/projects/{project_id}/workflows/{workflow_id}/runs", {
        params: { path: { project_id: projectId, workflow_id: id } }, body: { file_ids: fileIds, input: {} },
      })),
    onSuccess: (run) => qc.invalidateQueries({ queryKey: workflowKeys.runs(projectId, run.workflow_id) }),
  });
}

/** The runs of a workflow, newest first; polled every second while one has not finished. */
export function useRuns(projectId: number, id: number | null) {
  return useQuery({
    queryKey: workflowKeys.runs(projectId, id ?? 0),
    enabled: id !== null,
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/projects/{project_id}/workflows/{workflow_id}/runs", {
        params: { path: { project_id: projectId, workflow_id: id! }, query: { limit: 50 } },
      })).items,
    refetchInterval: (q) => (q.state.data?.some((r) => !isFinished(r.status)) ? 1000 : false),
  });
}

/** One run with its steps and log tails; polled every second until it finishes. */
export function useRun(projectId: number, runId: number | null) {
  return useQuery({
    queryKey: workflowKeys.run(projectId, runId ?? 0),
    enabled: runId !== null,
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/projects/{project_id}/workflow-runs/{run_id}", {
        params: { path: { project_id: projectId, run_id: runId! }, query: { log_tail: 16384 } },
      })),
    refetchInterval: (q) => (q.state.data && isFinished(q.state.data.status) ? false : 1000),
  });
}

/** Files the run's steps produced (reports, metrics); polled with the run until it finishes. */
export function useArtifacts(projectId: number, runId: number, finished: boolean) {
  return useQuery({
    queryKey: [...workflowKeys.run(projectId, runId), "artifacts"] as const,
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/projects/{project_id}/workflow-runs/{run_id}/artifacts", {
        params: { path: { project_id: projectId, run_id: runId } },
      })),
    refetchInterval: finished ? false : 2000,
  });
}

export function useCancelRun(projectId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (runId: number) =>
      unwrap(await api.POST("/api/v1/projects/{project_id}/workflow-runs/{run_id}/cancel", {
        params: { path: { project_id: projectId, run_id: runId } },
      })),
    onSuccess: (run) => {
      void qc.invalidateQueries({ queryKey: workflowKeys.run(projectId, run.id) });
      void qc.invalidateQueries({ queryKey: workflowKeys.runs(projectId, run.workflow_id) });
    },
  });
}

export { ApiError };
