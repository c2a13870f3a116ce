"""``deepchecks``: Deepchecks' tabular suites on a per-file feature table (see ``_features``).

One slice: ``data_integrity`` (duplicates, mixed types, outliers, label conflicts, ...). Two slices
(train vs new data, or two dataset versions, e.g. the snapshot a model was trained on vs today's
files): ``train_test_validation`` (feature and label drift, new labels, multivariate drift, ...). The
JSON result and the HTML report are stored as the step's artifacts (served by the API); failed
conditions become the ``failed`` output, so a workflow can stop or alert on them
(``when: "checks.failed != []"``).
"""

from __future__ import annotations

import json
import re
import tempfile
import warnings
from pathlib import Path
from typing import Any, Literal

from groundwork.workflows.spec import Port
from pydantic import ConfigDict, Field

from workflow_service.blocks.base import Block, Outputs, StepContext
from workflow_service.blocks.ml import _data as data
from workflow_service.blocks.ml._common import SCHEMA
from workflow_service.blocks.ml._runtime import need
from workflow_service.blocks.ml.drift_check import SliceConfig, read_sides

Suite = Literal["auto", "data_integrity", "train_test_validation"]
# Deepchecks finds duplicates and train/test leaks by equal feature rows, which different texts with equal
# statistics have. The rows are indexed by file id, so `Index Train-Test Leakage` finds real leaks exactly
# (and uploads are de-duplicated by content: one file per content).
FEATURE_ROW_CHECKS = ("Train Test Samples Mix", "Data Duplicates", "Conflicting Labels")


class DeepchecksConfig(SliceConfig):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    suite: Suite = Field(default="auto", description="auto: train_test_validation when there is a reference, "
                                                      "else data_integrity")
    modality: Literal["text", "image"] = "text"
    schema_name: str | None = SCHEMA
    embedding_dims: int = Field(default=0, ge=0, le=64, description="texts: add this many principal components "
                                                                     "of the sentence embeddings as features")
    fail_on_warning: bool = Field(default=False, description="count conditions that only warn as failed too")
    exclude_checks: list[str] = Field(
        default_factory=lambda: list(FEATURE_ROW_CHECKS),
        description="check names to leave out; by default the ones that compare whole feature rows, which "
                    "different files with equal statistics share (leaks are found exactly, by file id: "
                    "`Index Train-Test Leakage`)")
    max_files: int = Field(default=20_000, ge=2, le=200_000)


def _norm(name: str) -> str:
    """Check names compared loosely: "Index Train-Test Leakage" = "IndexTrainTestLeakage"."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


class Deepchecks(Block[DeepchecksConfig]):
    """Outputs ``failed`` (one entry per failed condition) and ``report`` (suite, passed, artifacts)."""

    slug = "deepchecks"
    title = "Deepchecks data tests"
    description = ("Data integrity of one slice or train/test validation (drift) between two, on per-file "
                   "features; JSON and HTML reports stored with the run; failed conditions as output.")
    version = "1"
    Config = DeepchecksConfig
    inputs = (Port("files", "files", many=True),)
    outputs = (Port("failed", "any"), Port("report", "report"))
    queue = "cpu"

    def run(self, ctx: StepContext, *args: Any) -> Outputs:
        need("deepchecks", "sklearn", "pandas")
        from workflow_service.blocks.ml import _features

        c = self.config
        found = data.schema(ctx, c.schema_name)
        suite = c.suite if c.suite != "auto" else (
            "train_test_validation" if c.reference_given() or len(args) > 1 else "data_integrity")
        if suite == "train_test_validation":
            current, reference = read_sides(ctx, c, args, c.modality)
            sides = [reference, current]
        else:
            current = (data.read_slice(ctx, query=c.query, kind=c.modality, keep=False).items if c.query is not None
                       else [i for i in data.read_files(ctx, data.input_files(args[:1])) if i["kind"] == c.modality])
            sides = [current]
        sides = [side[:c.max_files] for side in sides]
        if any(len(side) < 2 for side in sides):
            raise ValueError(f"too few {c.modality} files to check: {[len(s) for s in sides]}")
        labels = [lb.name for lb in found.labels if not lb.archived]
        frames = [_features.feature_table(side, found.id, labels) for side in sides]
        if c.embedding_dims and c.modality == "text":
            frames = _features.add_projections(frames, [self._embed(side) for side in sides], c.embedding_dims)
        frames, categorical, has_label = _features.align(frames)
        ctx.progress(f"{suite} on {' vs '.join(str(len(f)) for f in frames)} file(s), {frames[0].shape[1]} columns")
        result = self._run_suite(suite, frames, categorical, has_label)
        failed = self._failed(result)
        artifacts = self._store(ctx, result)
        passed = not failed
        ctx.log(f"{suite}: {'passed' if passed else f'{len(failed)} condition(s) failed'}; report {artifacts['html']}")
        return Outputs({"failed": failed, "report": {
            "suite": suite, "passed": passed, "failed_conditions": len(failed), "artifacts": artifacts,
            "files": [len(f) for f in frames], "features": [c for c in frames[0].columns if c != "label"]}})

    def _embed(self, items: list[dict[str, Any]]) -> Any:
        from workflow_service.blocks.ml._runtime import minilm_dir
        from workflow_service.blocks.ml._text import TextEncoder

        return TextEncoder.load(minilm_dir()).encode([str(i.get("text") or "") for i in items])

    def _run_suite(self, suite: str, frames: list[Any], categorical: list[str], has_label: bool) -> Any:
        from deepchecks.tabular import Dataset
        from deepchecks.tabular import suites as dc_suites

        made = getattr(dc_suites, suite)()
        excluded = {_norm(name) for name in self.config.exclude_checks}
        for index, check in list(made.checks.items()):
            if {_norm(check.name()), _norm(type(check).__name__)} & excluded:
                made.remove(index)
        datasets = [Dataset(f.reset_index(), label="label" if has_label else None, cat_features=categorical,
                            index_name="file_id") for f in frames]
        with warnings.catch_warnings():  # deepchecks warns about its own dependencies' deprecations
            warnings.simplefilter("ignore")
            if suite == "train_test_validation":
                return made.run(train_dataset=datasets[0], test_dataset=datasets[1])
            return made.run(datasets[0])

    def _failed(self, result: Any) -> list[dict[str, Any]]:
        failed = []
        for check in result.get_not_passed_checks(fail_if_warning=self.config.fail_on_warning):
            for cond in check.conditions_results:
                category = str(cond.category.value if hasattr(cond.category, "value") else cond.category).upper()
                if cond.is_pass() or (category == "WARN" and not self.config.fail_on_warning):
                    continue
                failed.append({"check": check.get_header(), "condition": cond.name, "category": category,
                               "details": str(cond.details)[:2000]})
        return failed

    @staticmethod
    def _store(ctx: StepContext, result: Any) -> dict[str, str]:
        """The JSON result and the HTML report (scripts inlined: it opens without internet) as artifacts."""
        with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            html = Path(tmp) / "report.html"
            result.save_as_html(str(html), as_widget=False, connected=False)
            stored_json = ctx.api.upload_artifact(ctx.run_id, ctx.step_key, "deepchecks.json",
                                                  json.dumps(json.loads(result.to_json())).encode(),
                                                  "application/json")
            stored_html = ctx.api.upload_artifact(ctx.run_id, ctx.step_key, "deepchecks.html", html.read_bytes(),
                                                  "text/html")
        return {"json": stored_json["content_url"], "html": stored_html["content_url"]}
