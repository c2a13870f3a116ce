"""``human_task``: annotate or review tasks for the input files; the step completes when people are done."""

from __future__ import annotations

from collections import Counter
from typing import Any, Literal

from groundwork.workflows.spec import Port
from pydantic import BaseModel, ConfigDict, Field

from workflow_service.blocks.base import Block, Outputs, StepContext, Waiting, file_ids_of

# What "done" means for each kind of task (a verdict for reviews; a submission or more for annotation).
DONE = {"annotate": {"submitted": ("submitted", "in_review", "approved", "skipped"),
                     "approved": ("approved", "skipped")},
        "review": {"submitted": ("approved", "changes_requested", "skipped"),
                   "approved": ("approved", "skipped")}}
CHUNK = 1000  # the task API creates at most this many at once
OPEN = ("available", "in_progress", "submitted", "in_review", "changes_requested")


class HumanTaskConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["annotate", "review"] = "annotate"
    schema_name: str | None = Field(default=None, alias="schema",
                                    description="label schema by name (default: the project's first)")
    assign: Literal["pool", "round_robin", "least_loaded"] = Field(
        default="pool", description="pool: anyone takes the next task; or spread over the assignees")
    assignees: list[str] = Field(default_factory=list,
                                 description="emails (default for round_robin/least_loaded: every annotator)")
    priority: int = Field(default=0, ge=-1_000_000, le=1_000_000)
    until: Literal["submitted", "approved"] = Field(
        default="submitted", description="when a task counts as done: submitted (or a review verdict) or approved")


class HumanTask(Block[HumanTaskConfig]):
    """One task per input file; waits until every task is done; outputs the tasks and the files."""

    slug = "human_task"
    title = "Human task"
    description = "Create annotate or review tasks for the input files and wait until people complete them."
    Config = HumanTaskConfig
    inputs = (Port("files", "files"),)
    outputs = (Port("tasks", "tasks"), Port("files", "files"))

    def run(self, ctx: StepContext, *args: Any) -> Waiting | Outputs:
        files = file_ids_of(args[0])
        if not files:
            ctx.log("no files: nothing to do")
            return Outputs({"tasks": [], "files": []})
        schema_id = self._schema(ctx)
        plan = self._assignment(ctx, files)
        tasks: list[int] = []
        for assignee, group in plan.items():
            for start in range(0, len(group), CHUNK):
                body = {"file_ids": group[start:start + CHUNK], "schema_id": schema_id, "kind": self.config.kind,
                        "assignee_id": assignee, "priority": self.config.priority}
                result = ctx.api.request("POST", f"/projects/{ctx.project_id}/tasks", json=body)
                tasks += [t["id"] for t in result["created"]]
                # a retry after a crash finds its own open tasks again: they count, no duplicates
                tasks += [s["existing_task_id"] for s in result["skipped"] if s.get("existing_task_id")]
        ctx.log(f"{len(tasks)} {self.config.kind} task(s) for {len(files)} file(s), assignment {self.config.assign}")
        return Waiting(tasks=tasks, output=Outputs({"tasks": tasks, "files": files}),
                       done_statuses=DONE[self.config.kind][self.config.until])

    def _schema(self, ctx: StepContext) -> int:
        schemas = list(ctx.api.paged(f"/projects/{ctx.project_id}/schemas"))
        if not schemas:
            raise ValueError("the project has no label schema")
        if self.config.schema_name is None:
            return int(min(schemas, key=lambda s: s["id"])["id"])
        for s in schemas:
            if s["name"] == self.config.schema_name:
                return int(s["id"])
        raise ValueError(f"no label schema named {self.config.schema_name!r}")

    def _assignment(self, ctx: StepContext, files: list[int]) -> dict[int | None, list[int]]:
        if self.config.assign == "pool":
            return {None: files}
        members = list(ctx.api.paged(f"/projects/{ctx.project_id}/members"))
        wanted = {e.lower() for e in self.config.assignees}
        people = sorted(m["user_id"] for m in members
                        if (m["email"].lower() in wanted if wanted else m["role"] == "annotator"))
        if not people:
            raise ValueError("no assignees: name them in 'assignees' or add annotators to the project")
        load: Counter[int] = Counter(dict.fromkeys(people, 0))
        if self.config.assign == "least_loaded":
            progress = ctx.api.request("GET", f"/projects/{ctx.project_id}/tasks/progress")
            for row in progress.get("by_assignee", []):
                if row.get("assignee_id") in load:
                    counts = row.get("by_status", {})
                    load[row["assignee_id"]] = sum(int(counts.get(s, 0)) for s in OPEN)
        plan: dict[int | None, list[int]] = {}
        for i, file_id in enumerate(files):
            who = people[i % len(people)] if self.config.assign == "round_robin" else min(people, key=lambda p: load[p])
            load[who] += 1
            plan.setdefault(who, []).append(file_id)
        return plan
