/**
 * A training step's curve: loss (left axis) and validation accuracy (right axis) per epoch, from
 * the `history` the train block puts in its output (at most 200 evenly spaced epochs).
 */
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { HistoryPoint } from "./report";

const SERIES = [
  { key: "train_loss", name: "train loss", axis: "loss", color: "#1f77b4" },
  { key: "val_loss", name: "validation loss", axis: "loss", color: "#ff7f0e" },
  { key: "val_accuracy", name: "validation accuracy", axis: "acc", color: "#2ca02c" },
] as const;

export function TrainingChart({ stepKey, history, best }: { stepKey: string; history: readonly HistoryPoint[]; best: number | null }) {
  const last = history.at(-1) ?? {};
  const shown = SERIES.filter((s) => history.some((r) => typeof r[s.key] === "number"));
  const summary = shown.map((s) => `${s.name} ${last[s.key]?.toFixed(3) ?? "—"}`).join(", ");
  return (
    <figure className="chart" role="img" data-testid={`training-chart-${stepKey}`}
            aria-label={`Training of ${stepKey} over ${history.length} epoch${history.length === 1 ? "" : "s"}; at the end: ${summary}${best ? `; best epoch ${best}` : ""}`}>
      <figcaption>Training per epoch{best ? ` (best: epoch ${best})` : ""}</figcaption>
      <ResponsiveContainer width="100%" height={200}>
        <LineChart data={history} margin={{ left: 0, right: 8, top: 8 }} accessibilityLayer>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="epoch" type="number" domain={["dataMin", "dataMax"]} allowDecimals={false} />
          <YAxis yAxisId="loss" width={44} />
          <YAxis yAxisId="acc" orientation="right" domain={[0, 1]} width={36} />
          <Tooltip labelFormatter={(e) => `epoch ${String(e)}`} formatter={(v) => (typeof v === "number" ? v.toFixed(4) : String(v))} />
          <Legend />
          {shown.map((s) => (
            <Line key={s.key} yAxisId={s.axis} type="monotone" dataKey={s.key} name={s.name} stroke={s.color} strokeWidth={2}
                  dot={history.length <= 30} isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
