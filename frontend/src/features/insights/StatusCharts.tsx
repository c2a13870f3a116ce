/** Tasks by status as stacked bars: per kind of task, and per annotator. */
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Schemas } from "../../api/client";
import { STATUSES, statusRows } from "./series";

export const STATUS_COLORS: Record<(typeof STATUSES)[number], string> = {
  available: "#8d99a6", in_progress: "#1f77b4", submitted: "#ff7f0e", in_review: "#9467bd",
  changes_requested: "#d62728", approved: "#2ca02c", skipped: "#5f6368",
};
const label = (s: string) => s.replace("_", " ");

function Stacked({ data, category, title, height }: { data: Record<string, unknown>[]; category: string; title: string; height: number }) {
  return (
    <ResponsiveContainer width="100%" height={height}>
      <BarChart data={data} layout="vertical" margin={{ left: 12, right: 24 }} accessibilityLayer title={title}>
        <CartesianGrid strokeDasharray="3 3" horizontal={false} />
        <XAxis type="number" allowDecimals={false} />
        <YAxis type="category" dataKey={category} width={120} />
        <Tooltip />
        <Legend itemSorter={null} />
        {STATUSES.map((s) => <Bar key={s} dataKey={s} name={label(s)} stackId="status" fill={STATUS_COLORS[s]} isAnimationActive={false} />)}
      </BarChart>
    </ResponsiveContainer>
  );
}

export function StatusCharts({ progress }: { progress: Schemas["TaskProgress"] }) {
  const byKind = statusRows(progress);
  const byPerson = progress.by_assignee.map((a) => ({
    who: a.assignee_id === null ? "unassigned" : a.name ?? `user #${a.assignee_id}`,
    ...Object.fromEntries(STATUSES.map((s) => [s, a.by_status?.[s] ?? 0])),
  }));
  const summary = STATUSES.map((s) => `${progress.by_status?.[s] ?? 0} ${label(s)}`).join(", ");
  return (
    <div className="charts-2">
      <figure role="img" aria-label={`Tasks by status: ${progress.total} in all; ${summary}`} className="chart">
        <figcaption>By kind of task ({progress.total} tasks)</figcaption>
        <Stacked data={byKind} category="kind" title="Tasks by kind and status" height={180} />
      </figure>
      <figure role="img" aria-label={`Tasks by annotator and status, ${byPerson.length} people`} className="chart">
        <figcaption>By assignee</figcaption>
        <Stacked data={byPerson} category="who" title="Tasks by assignee and status" height={Math.max(180, 60 + 34 * byPerson.length)} />
      </figure>
      <details className="chart-table">
        <summary>Tasks by status as a table</summary>
        <table className="table compact" aria-label="Tasks by status">
          <thead><tr><th scope="col">Who</th>{STATUSES.map((s) => <th key={s} scope="col">{label(s)}</th>)}</tr></thead>
          <tbody>
            {[...byKind.map((r) => ({ name: r.kind as string, r })), ...byPerson.map((r) => ({ name: r.who, r }))].map(({ name, r }) => (
              <tr key={name}><th scope="row">{name}</th>{STATUSES.map((s) => <td key={s}>{(r as Record<string, unknown>)[s] as number}</td>)}</tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
