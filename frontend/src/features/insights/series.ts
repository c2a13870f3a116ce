/** Shaping reports into chart rows (one object per x value, one key per series). */
import type { Schemas } from "../../api/client";

export type Measure = "submitted" | "approved";

export interface Series {
  /** The key in each row. */
  readonly key: string;
  readonly name: string;
  readonly total: number;
}

/** Per-day rows with one column per annotator (the `top` busiest; the rest summed as "others"). */
export function throughputRows(report: Schemas["TaskThroughput"], measure: Measure, top = 8) {
  const ranked = [...report.annotators].sort((a, b) => b[measure] - a[measure]).filter((a) => a[measure] > 0);
  const shown = ranked.slice(0, top);
  const rest = ranked.slice(top);
  const series: Series[] = shown.map((a) => ({
    key: `u${a.user_id ?? "none"}`, name: a.user_id === null ? "unassigned" : a.name ?? `user #${a.user_id}`, total: a[measure],
  }));
  if (rest.length > 0) series.push({ key: "others", name: `${rest.length} others`, total: rest.reduce((n, a) => n + a[measure], 0) });
  const rows = report.totals.map((t, i) => {
    const row: Record<string, number | string> = { day: t.day };
    shown.forEach((a, k) => (row[series[k]!.key] = a.days[i]?.[measure] ?? 0));
    if (rest.length > 0) row.others = rest.reduce((n, a) => n + (a.days[i]?.[measure] ?? 0), 0);
    return row;
  });
  return { rows, series };
}

export const STATUSES = ["available", "in_progress", "submitted", "in_review", "changes_requested", "approved", "skipped"] as const;

/** One row per task kind with a column per status (stacked bars). */
export function statusRows(progress: Schemas["TaskProgress"]) {
  return progress.by_kind.map((k) => ({ kind: k.kind, total: k.total, ...Object.fromEntries(STATUSES.map((s) => [s, k.by_status?.[s] ?? 0])) }));
}

/** "2026-03-14" → "Mar 14" (UTC: the days are UTC days). */
export function shortDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
}
