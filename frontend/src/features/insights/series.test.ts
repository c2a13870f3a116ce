import { describe, expect, it } from "vitest";
import { shortDay, statusRows, throughputRows } from "./series";

const day = (d: string, submitted: number, approved = 0) => ({ day: d, submitted, approved });

const report = {
  since: "2026-03-01", until: "2026-03-03",
  totals: [day("2026-03-01", 3, 1), day("2026-03-02", 0), day("2026-03-03", 4, 2)],
  annotators: [
    { user_id: 7, name: "Ann", submitted: 5, approved: 1, days: [day("2026-03-01", 2, 1), day("2026-03-02", 0), day("2026-03-03", 3)] },
    { user_id: 9, name: "Bo", submitted: 2, approved: 2, days: [day("2026-03-01", 1), day("2026-03-02", 0), day("2026-03-03", 1, 2)] },
    { user_id: 11, name: "Cy", submitted: 0, approved: 0, days: [day("2026-03-01", 0), day("2026-03-02", 0), day("2026-03-03", 0)] },
  ],
};

describe("throughput rows", () => {
  it("make a column per annotator with work, busiest first", () => {
    const { rows, series } = throughputRows(report, "submitted");
    expect(series.map((s) => [s.key, s.name, s.total])).toEqual([["u7", "Ann", 5], ["u9", "Bo", 2]]);
    expect(rows).toEqual([{ day: "2026-03-01", u7: 2, u9: 1 }, { day: "2026-03-02", u7: 0, u9: 0 }, { day: "2026-03-03", u7: 3, u9: 1 }]);
  });

  it("rank by the measure shown and sum the rest as others", () => {
    const { rows, series } = throughputRows(report, "approved", 1);
    expect(series.map((s) => s.name)).toEqual(["Bo", "1 others"]);
    expect(rows[0]).toEqual({ day: "2026-03-01", u9: 0, others: 1 });
  });
});

describe("status rows", () => {
  it("have every status, zero when absent", () => {
    const rows = statusRows({ total: 3, by_status: {}, by_kind: [{ kind: "annotate", total: 3, by_status: { approved: 2, submitted: 1 } }], by_schema: [], by_assignee: [] } as never);
    expect(rows[0]).toMatchObject({ kind: "annotate", total: 3, approved: 2, submitted: 1, available: 0, skipped: 0 });
  });
});

it("writes UTC days short", () => {
  expect(shortDay("2026-03-14")).toMatch(/14/);
});
