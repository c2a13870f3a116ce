/** Insights: tasks by status (per kind and per assignee) and throughput per annotator over time. */
import { useState } from "react";
import { ErrorMessage } from "../../components/ErrorMessage";
import { useProjectId } from "../projects/ProjectPage";
import { useTaskProgress } from "../tasks/api";
import { useThroughput } from "./api";
import type { Measure } from "./series";
import { StatusCharts } from "./StatusCharts";
import { ThroughputChart } from "./ThroughputChart";

const RANGES = [7, 14, 30, 90];

export function InsightsTab() {
  const projectId = useProjectId();
  const progress = useTaskProgress(projectId);
  const [days, setDays] = useState(30);
  const [measure, setMeasure] = useState<Measure>("submitted");
  const throughput = useThroughput(projectId, days);
  return (
    <section aria-labelledby="insights-title" className="stack insights">
      <h2 id="insights-title">Insights</h2>
      <section aria-labelledby="status-title" className="card stack">
        <h3 id="status-title">Tasks by status</h3>
        {progress.isError && <ErrorMessage error={progress.error} />}
        {progress.data && <StatusCharts progress={progress.data} />}
      </section>
      <section aria-labelledby="throughput-title" className="card stack">
        <div className="row wrap">
          <h3 id="throughput-title">Throughput per annotator</h3>
          <fieldset className="inline-fieldset">
            <legend className="visually-hidden">Measure</legend>
            {(["submitted", "approved"] as const).map((m) => (
              <label key={m} className="check">
                <input type="radio" name="measure" value={m} checked={measure === m} onChange={() => setMeasure(m)} /> {m}
              </label>
            ))}
          </fieldset>
          <label htmlFor="throughput-days">Period</label>
          <select id="throughput-days" value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {RANGES.map((d) => <option key={d} value={d}>last {d} days</option>)}
          </select>
        </div>
        {throughput.isError && <ErrorMessage error={throughput.error} />}
        {throughput.data && <ThroughputChart report={throughput.data} measure={measure} />}
      </section>
    </section>
  );
}
