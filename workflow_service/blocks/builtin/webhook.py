"""``webhook``: POST the input as signed JSON to a URL (the step's retries cover failed deliveries)."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
from groundwork.webhooks import SIGNATURE_HEADER, signature_header
from groundwork.workflows.spec import Port
from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field

from workflow_service.blocks.base import Block, StepContext


class WebhookConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: AnyHttpUrl
    secret: str | None = Field(default=None, description="signs each request (Groundwork-Signature header)")
    headers: dict[str, str] = Field(default_factory=dict)
    timeout: float = Field(default=10.0, gt=0, le=300, description="seconds")


class Webhook(Block[WebhookConfig]):
    """Sends ``{"workflow_run_id", "project_id", "step", "value"}``; a non-2xx answer fails the attempt."""

    slug = "webhook"
    title = "Webhook"
    description = "POST the input as JSON, signed with HMAC-SHA256 like Groundwork's webhooks."
    Config = WebhookConfig
    inputs = (Port("value"),)
    outputs = (Port("response"),)

    def run(self, ctx: StepContext, *args: Any) -> Any:
        body = json.dumps({"workflow_run_id": ctx.run_id, "project_id": ctx.project_id, "step": ctx.step_key,
                           "attempt": ctx.attempt, "value": args[0]}, separators=(",", ":"), default=str).encode()
        headers = {"Content-Type": "application/json", "User-Agent": "Groundwork-Workflow/1",
                   "Idempotency-Key": f"run-{ctx.run_id}-{ctx.step_key}", **self.config.headers}
        if self.config.secret:
            headers[SIGNATURE_HEADER] = signature_header([self.config.secret], int(time.time()), body)
        started = time.perf_counter()
        response = httpx.post(str(self.config.url), content=body, headers=headers, timeout=self.config.timeout)
        ms = (time.perf_counter() - started) * 1000
        ctx.log(f"POST {self.config.url} -> {response.status_code} in {ms:.0f} ms")
        response.raise_for_status()
        return {"status": response.status_code, "latency_ms": round(ms, 1)}
