/**
 * Reading what a step reports beyond its summary from its stored output (`{"ports": {...}}`): the
 * value of the port that carries metrics, an MLflow run or a training curve (a `train` step's
 * `model`), and that curve as chart points.
 */

export type HistoryPoint = Readonly<Record<string, number>>;
type Json = Record<string, unknown>;

export const isRecord = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);
const REPORT_KEYS = ["metrics", "mlflow_run_id", "history"];

/** The step's report: the first port value (or the output itself) with metrics, an MLflow run or a history. */
export function reportOf(output: unknown): Json | null {
  if (!isRecord(output)) return null;
  const ports = isRecord(output.ports) ? Object.values(output.ports) : [];
  return [output, ...ports].find((v): v is Json => isRecord(v) && REPORT_KEYS.some((k) => k in v)) ?? null;
}

const isPoint = (v: unknown): v is HistoryPoint =>
  isRecord(v) && typeof v.epoch === "number" && Object.values(v).every((x) => typeof x === "number" && Number.isFinite(x));

/** The well-formed points of a report's `history`, in epoch order (null when there is none). */
export function historyOf(report: Json | null): HistoryPoint[] | null {
  const raw = report?.history;
  if (!Array.isArray(raw)) return null;
  const points = raw.filter(isPoint).sort((a, b) => a.epoch! - b.epoch!);
  return points.length > 0 ? points : null;
}
