/** Reports for the Insights page: task counts by status, and throughput per annotator over time. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../api/client";

export type Throughput = Schemas["TaskThroughput"];

export function useThroughput(projectId: number, days: number) {
  return useQuery({
    queryKey: ["projects", projectId, "tasks", "throughput", days] as const,
    placeholderData: keepPreviousData,
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/projects/{project_id}/tasks/throughput", {
        params: { path: { project_id: projectId }, query: { days } },
      })),
  });
}
