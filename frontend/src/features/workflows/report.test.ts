import { describe, expect, it } from "vitest";
import { historyOf, reportOf } from "./report";

describe("a step's report", () => {
  it("is the port value that carries metrics, an MLflow run or a history", () => {
    const model = { registered_model: "m", mlflow_run_id: "abc", metrics: { accuracy: 0.9 } };
    expect(reportOf({ ports: { model } })).toEqual(model);
    expect(reportOf({ ports: { matched: [1, 2], unmatched: [] } })).toBeNull();
    expect(reportOf({ metrics: { f1: 1 } })).toEqual({ metrics: { f1: 1 } });
    expect(reportOf(null)).toBeNull();
    expect(reportOf("text")).toBeNull();
  });
});

describe("a training step's history", () => {
  it("keeps well-formed epochs in order and drops the rest", () => {
    const report = { history: [{ epoch: 2, train_loss: 0.5 }, { epoch: 1, train_loss: 0.9 }, { epoch: "3" }, null, { epoch: 4, val_loss: "x" }] };
    expect(historyOf(report)).toEqual([{ epoch: 1, train_loss: 0.9 }, { epoch: 2, train_loss: 0.5 }]);
  });

  it("is absent for steps that did not train", () => {
    expect(historyOf({ matched: [1, 2] })).toBeNull();
    expect(historyOf({ history: [] })).toBeNull();
    expect(historyOf(null)).toBeNull();
  });
});
