/** Tasks submitted (or approved) per annotator per day, as lines over the chosen range. */
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Throughput } from "./api";
import { shortDay, throughputRows, type Measure } from "./series";

const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#5f6368"];

export function ThroughputChart({ report, measure }: { report: Throughput; measure: Measure }) {
  const { rows, series } = throughputRows(report, measure);
  const total = series.reduce((n, s) => n + s.total, 0);
  const summary = series.map((s) => `${s.name} ${s.total}`).join(", ");
  return (
    <>
      <figure className="chart" role="img"
              aria-label={`Tasks ${measure} per day from ${report.since} to ${report.until}: ${total} in all${summary ? `; ${summary}` : ""}`}>
        <figcaption>Tasks {measure} per day, {shortDay(report.since)} – {shortDay(report.until)} (UTC)</figcaption>
        {series.length === 0 ? <p className="muted empty-chart">Nothing {measure} in this period.</p> : (
          <ResponsiveContainer width="100%" height={280}>
            <LineChart data={rows} margin={{ left: 0, right: 24, top: 8 }} accessibilityLayer>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="day" tickFormatter={shortDay} minTickGap={24} />
              <YAxis allowDecimals={false} />
              <Tooltip labelFormatter={(d) => shortDay(String(d))} />
              <Legend />
              {series.map((s, i) => (
                <Line key={s.key} type="monotone" dataKey={s.key} name={s.name} stroke={PALETTE[i % PALETTE.length]} strokeWidth={2}
                      dot={rows.length <= 31} isAnimationActive={false} />
              ))}
            </LineChart>
          </ResponsiveContainer>
        )}
      </figure>
      <table className="table compact" aria-label="Throughput per annotator">
        <thead><tr><th scope="col">Annotator</th><th scope="col">Submitted</th><th scope="col">Approved</th><th scope="col">Approved share</th></tr></thead>
        <tbody>
          {report.annotators.map((a) => (
            <tr key={a.user_id ?? "none"}>
              <th scope="row">{a.user_id === null ? "unassigned" : a.name ?? `user #${a.user_id}`}</th>
              <td>{a.submitted}</td><td>{a.approved}</td>
              <td>{a.submitted > 0 ? `${Math.round((100 * a.approved) / a.submitted)}%` : "—"}</td>
            </tr>
          ))}
          {report.annotators.length === 0 && <tr><td colSpan={4} className="muted">No annotation work in this period.</td></tr>}
        </tbody>
      </table>
    </>
  );
}
