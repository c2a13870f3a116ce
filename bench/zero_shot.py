"""Zero-shot text pre-labelling: items/s through the ``zero_shot_text`` block vs the bare model forward.

Setup (not timed): a fresh PostgreSQL database, a real API server, a project with a three-label schema,
N short texts uploaded, the workflow service's token, the packaged all-MiniLM-L6-v2 loaded.
Measured, interleaved batch by batch so both see the same machine load:
- ``block``: the block's ``run_batch`` on a micro-batch of 64 steps (one file each, as 64 events make):
  it reads the label schema and the texts through the API, tokenizes, runs the encoder, scores the labels
  and writes 64 model tags with one bulk request — everything a worker does per micro-batch;
- ``bare``: the model's forward pass alone on the same 64 texts, tokenized beforehand, called as a user
  would call it (``model(**batch)``: torch spreads each operation over its threads);
- ``own forward``: the block's own forward pass on them (pooling included; on the CPU the batch's shards run
  side by side, one thread each, see ``workflow_service/blocks/ml/_cpu_shards.py``).
The three run back to back per batch, in an order that turns from batch to batch.
``ratio`` = block items/s ÷ bare items/s, the median over the batches (target ≥ 0.85 on CPU): on a shared
machine a load spike lands on one leg of one batch, and the median shrugs it off;
``ratio_of_totals`` is the same over all batches together. ``ratio_to_own_forward`` = block ÷ own forward:
what the block's reads and writes cost beside its own model work (on one machine the API server and the
database use the cores the model does). The block's phases are timed too
(``read_ms``, ``model_ms``, ``write_ms`` per batch: time spent in each; on a GPU the block reads one
half of a micro-batch and writes the other while its model works, so these overlap and may add up to
more than the block's time). With a CUDA GPU the same runs again on it
(``gpu_*`` figures; the device name goes into ``machine``).
"""

from __future__ import annotations

import importlib
import os
import random
import statistics
import sys
import time
from typing import Any

import _common as c

NAME = "zero_shot"
TARGETS = {"ratio": ">= 0.85"}
BATCH = 64
LABELS = ("sports", "cooking", "finance")
WORDS = ("the striker scored a late goal", "simmer the onions in butter", "the central bank raised rates",
         "fans cheered the winning team", "knead the dough for ten minutes", "shares fell after the report",
         "the coach praised the defenders", "roast the vegetables slowly", "investors moved into bonds")


def texts(n: int) -> list[str]:
    """Distinct short texts (two phrases and a number), like chat messages or tickets."""
    rng = random.Random(0)
    return [f"{rng.choice(WORDS)}, then {rng.choice(WORDS)} (note {i})." for i in range(n)]


def upload(api: Any, pid: int, bodies: list[str]) -> list[int]:
    ids: list[int] = []
    for start in range(0, len(bodies), 500):
        files = [("files", (f"t{start + i:06d}.txt", b.encode(), "text/plain"))
                 for i, b in enumerate(bodies[start:start + 500])]
        ids += [int(it["file"]["id"]) for it in c.ok(api.post(f"/projects/{pid}/files", files=files)).json()["items"]]
    return ids


def measure(url: str, token: str, pid: int, ids: list[int], bodies: dict[int, str], device: str) -> dict[str, float]:
    """Interleave block and bare forward, batch by batch; seconds and items per side, and the block's phases."""
    import torch

    from workflow_service.backend_api import BackendAPI
    from workflow_service.blocks.base import Item, StepContext
    from workflow_service.blocks.ml import _data
    from workflow_service.blocks.ml.zero_shot_text import ZeroShotText, ZeroShotTextConfig

    api = BackendAPI(url, token, timeout_s=120)
    block = ZeroShotText(ZeroShotTextConfig(batch_size=BATCH, device=device))
    phases = {"read": 0.0, "model": 0.0, "write": 0.0}
    timed = _TimedPhases(_data, block, phases)
    batches = [ids[i:i + BATCH] for i in range(0, len(ids) - BATCH + 1, BATCH)]

    def run_block(batch: list[int]) -> None:
        items = [Item(StepContext(api, pid, 10_000 + f, "zs", 1, {}), [[f]]) for f in batch]
        for out in block.run_batch(items):
            if isinstance(out, BaseException):
                raise out

    encoder = block.classifier(LABELS).encoder
    sync = torch.cuda.synchronize if device.startswith("cuda") else (lambda: None)

    def run_bare(enc: dict[str, Any]) -> None:
        # the same precision as the block (float16 autocast on a GPU)
        with torch.inference_mode(), torch.autocast("cuda", dtype=torch.float16, enabled=device.startswith("cuda")):
            encoder.model(**enc)
        sync()

    def run_own(enc: dict[str, Any]) -> None:
        encoder.forward(enc)  # the block's own forward pass (on the CPU: shards side by side), pooling included
        sync()

    tokenized = [encoder.tokenize([bodies[f] for f in b]) for b in batches]
    run_block(batches[0])  # warm-up: models loaded, label vectors cached, connections open
    run_bare(tokenized[0])
    run_own(tokenized[0])
    for k in phases:
        phases[k] = 0.0
    totals = {"block": 0.0, "bare": 0.0, "own": 0.0}
    pairs: list[float] = []
    own_pairs: list[float] = []
    with c.progress() as bar:
        task = bar.add_task(f"zero-shot on {device}", total=len(batches))
        for k, (batch, enc) in enumerate(zip(batches, tokenized, strict=True)):
            legs: dict[str, tuple[Any, Any]] = {"block": (run_block, batch), "bare": (run_bare, enc),
                                                "own": (run_own, enc)}
            # the order turns every batch: what the server still does after the block's write (the outbox relay,
            # say) lands on each side in turn, not always on the leg after the block
            took: dict[str, float] = {}
            for name in (*list(legs)[k % 3:], *list(legs)[:k % 3]):
                run, arg = legs[name]
                t = time.perf_counter()
                run(arg)
                took[name] = time.perf_counter() - t
                totals[name] += took[name]
            pairs.append(took["bare"] / took["block"])
            own_pairs.append(took["own"] / took["block"])
            bar.advance(task)
    timed.restore()
    n = len(batches) * BATCH
    return {"block_items_per_s": round(n / totals["block"], 1), "bare_items_per_s": round(n / totals["bare"], 1),
            "own_forward_items_per_s": round(n / totals["own"], 1),
            "ratio": round(statistics.median(pairs), 3), "ratio_of_totals": round(totals["bare"] / totals["block"], 3),
            "ratio_to_own_forward": round(statistics.median(own_pairs), 3), "items": n,
            **{f"{k}_ms": round(1000 * v / len(batches), 1) for k, v in phases.items()}}


class _TimedPhases:
    """Wrap the block's reads, model and writes with timers (the block itself is unchanged)."""

    def __init__(self, data: Any, block: Any, phases: dict[str, float]) -> None:
        self.saved = [(data, "texts", data.texts), (data, "write_tags", data.write_tags),
                      (block, "predict", block.predict)]
        for owner, name, fn in self.saved:
            phase = {"texts": "read", "write_tags": "write", "predict": "model"}[name]
            setattr(owner, name, self._wrap(fn, phase, phases))

    @staticmethod
    def _wrap(fn: Any, phase: str, phases: dict[str, float]) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                phases[phase] += time.perf_counter() - t
        return timed

    def restore(self) -> None:
        for owner, name, fn in self.saved:
            setattr(owner, name, fn)


def main() -> None:
    args = c.parser(__doc__ or NAME).parse_args()
    n = BATCH * (20 if args.quick else 100)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    # as in a worker, the blocks load before torch (their runtime settings, e.g. OpenMP's, apply to both sides)
    importlib.import_module("workflow_service.blocks.ml.zero_shot_text")
    import torch

    from backend.auth import service as auth_service
    from backend.auth.schemas import TokenCreate
    from backend.core.db import transaction

    with c.instance() as inst:
        info = c.machine(inst.database_url)
        _, admin = inst.user_with_token("bench@example.com", superuser=True)
        with transaction(inst.sessions) as s:
            account = auth_service.create_service_account(s, "workflow-service")
            token = auth_service.create_token(s, account, TokenCreate(name="bench"), c.SECRET_KEY).secret
        with c.server(inst, workers=2) as srv:
            api = c.client(srv.url, admin)
            pid = c.ok(api.post("/projects", json={"name": "zero-shot"})).json()["id"]
            labels = [{"name": n, "color": "#123456", "annotation_types": ["tag"]} for n in LABELS]
            c.ok(api.post(f"/projects/{pid}/schemas", json={"name": "topics", "labels": labels}))
            bodies = texts(n)
            c.say(f"uploading {n} texts")
            ids = upload(api, pid, bodies)
            by_id = dict(zip(ids, bodies, strict=True))
            figures = measure(srv.url, token, pid, ids, by_id, "cpu")
            info["torch_threads"] = torch.get_num_threads()
            if torch.cuda.is_available():
                info["gpu"] = torch.cuda.get_device_name(0)
                gpu = measure(srv.url, token, pid, ids, by_id, "cuda")
                figures |= {f"gpu_{k}": v for k, v in gpu.items()}
            else:
                c.say("no CUDA GPU here: GPU figures are not measured")
    c.emit(NAME, figures, TARGETS, info)


if __name__ == "__main__":
    sys.exit(main())
