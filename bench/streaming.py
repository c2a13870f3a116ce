"""Streaming into PyTorch from the server vs reading the same JPEGs from local disk, in the same run.

Setup (not timed): a fresh PostgreSQL database and a real server (2 uvicorn workers); N JPEGs of 512x384
(~100 KB, distinct noise over a gradient) written to a local folder AND uploaded through the SDK into
dataset "bench", three boxes each (bulk API); M short text records (JSONL) into dataset "texts". Timed,
each in its own process (so peak RSS is that phase's): one epoch through a DataLoader (4 workers, batch
32, shuffled, decode to uint8 CHW tensors + box tensors) reading the local folder, and the same streamed
from a snapshot, as ``--rounds`` pairs run back to back in alternating order (local then stream, stream
then local, ...); then the text records streamed in the main process. ``paired_ratio`` (the target) is
the median over the pairs of the streaming rate over the local rate of the same pair: a VM's speed
drifts over minutes, and a pair's two epochs see the same machine where epochs minutes apart may not;
alternating the order within pairs cancels a steady drift. ``stream_to_local_ratio`` (the median
streaming rate over the median local rate) is printed too. Before the first round, every local JPEG and
every stored copy is read once (a VM may reclaim idle page cache between setup and the timed rounds).
CPU per sample (training process and workers; server and PostgreSQL net of their rest rate) is the
load-independent view of the same comparison.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _common as c
import groundwork
import numpy as np
from PIL import Image

NAME = "streaming"
TARGETS = {"paired_ratio": ">= 0.9"}
W, H = 512, 384


def jpegs(folder: Path, n: int) -> dict[str, list[list[float]]]:
    """Write ``n`` distinct ~100 KB JPEGs; returns their boxes (x1, y1, x2, y2) by file name."""
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:H, 0:W]
    base = np.stack([xx * 255 / W, yy * 255 / H, (xx + yy) * 127 / (W + H)], -1)
    noise = [rng.normal(0, 35, (H, W, 3)) for _ in range(8)]
    boxes: dict[str, list[list[float]]] = {}
    with c.progress() as bar:
        task = bar.add_task("writing JPEGs", total=n)
        for i in range(n):
            pixels = np.clip(base + np.roll(noise[i % 8], i, axis=1), 0, 255).astype(np.uint8)
            for bit in range(24):  # the index in 16x16 black/white squares: distinct after JPEG (no dedup)
                pixels[:16, bit * 16:(bit + 1) * 16] = 255 if (i >> bit) & 1 else 0
            name = f"img-{i:06d}.jpg"
            Image.fromarray(pixels).save(folder / name, "JPEG", quality=85)
            boxes[name] = [[10.0 + k * 40, 20.0, 50.0 + k * 40, 80.0] for k in range(3)]
            bar.advance(task)
    return boxes


def setup(url: str, token: str, folder: Path, boxes: dict[str, list[list[float]]], texts: int) -> dict[str, Any]:
    """Project, schema, uploads, boxes and text records through the SDK; the snapshot ids."""
    client = groundwork.Client(url, token, timeout=600)
    project = client.project(client.projects.create("Streaming bench").id)
    schema = project.schemas.create("objects", [{"name": "car", "color": "#ff0000", "annotation_types": ["box"]}])
    images = project.datasets.create("bench")
    paths = sorted(folder.glob("*.jpg"))
    uploaded = project.files.upload(paths, dataset_id=images.id, batch_size=100, concurrency=2, progress=True)
    by_name = {u.file.name: u.file.id for u in uploaded}
    c.say("writing 3 boxes per image (bulk API)")
    names = sorted(by_name)
    for start in range(0, len(names), 3000):
        project.annotations.bulk({by_name[nm]: [{"type": "box", "label": "car", "geometry": {
            "x": b[0], "y": b[1], "w": b[2] - b[0], "h": b[3] - b[1]}} for b in boxes[nm]]
            for nm in names[start:start + 3000]}, schema_id=schema.id)
    text_set = project.datasets.create("texts")
    rows = [json.dumps({"text": f"record {i}: " + "lorem ipsum dolor sit amet " * 6}) for i in range(texts)]
    chunks = [("\n".join(rows[i:i + 5000]) + "\n").encode() for i in range(0, len(rows), 5000)]
    project.files.upload([(f"texts-{k}.jsonl", data) for k, data in enumerate(chunks)], dataset_id=text_set.id,
                         batch_size=1, concurrency=2, progress=True)
    return {"project": project.id, "images": project.dataset("bench").snapshot_id,
            "texts": project.dataset("texts").snapshot_id}


def warm_page_cache(*folders: Path) -> int:
    """Read every file under ``folders`` once, so that neither side's first round reads from disk.

    Both the local folder and the server's stored copies were written minutes earlier, during setup, and
    a VM may reclaim page cache it sees idle: one side's first round then measures the disk instead.
    Returns the bytes read.
    """
    total = 0
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file():
                total += len(path.read_bytes())
    return total


def idle_cpu_rate(meter: c.CpuMeter, seconds: float = 5.0) -> float:
    """CPU seconds per second the server and database use with nobody asking (background loops polling)."""
    meter.start()
    time.sleep(seconds)
    return meter.stop() / seconds


def phase(spec: dict[str, Any], meter: c.CpuMeter | None = None, idle_rate: float = 0.0) -> dict[str, Any]:
    """Run one phase in a fresh process; its JSON result (plus the server's and database's CPU, if metered).

    The server's CPU counts what serving the phase cost: its idle rate times the phase's length is subtracted.
    """
    if meter is not None:
        meter.start()
    started = time.perf_counter()
    out = subprocess.run([sys.executable, str(Path(__file__).with_name("_streaming_phase.py")), json.dumps(spec)],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"phase {spec['phase']} failed:\n{out.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    if meter is not None:
        busy = max(0.0, meter.stop() - idle_rate * (time.perf_counter() - started))
        result["server_cpu_ms_per_sample"] = round(busy * 1000 / max(1, result["samples"]), 3)
    c.say(f"{spec['phase']}: {result}")
    return result


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median rate (other jobs on a shared machine make single runs noisy)."""
    return sorted(runs, key=lambda r: r["samples_per_s"])[(len(runs) - 1) // 2]


def main() -> None:
    """Run the benchmark and print its JSON line."""
    p = c.parser(__doc__ or NAME)
    p.add_argument("--images", type=int, help="JPEGs (default 20,000; --quick 1,500)")
    p.add_argument("--texts", type=int, help="text records (default 50,000; --quick 10,000)")
    p.add_argument("--rounds", type=int, default=4, help="pairs of a local and a streaming epoch (default 4)")
    p.add_argument("--loader-workers", type=int, default=4, help="DataLoader workers (default 4)")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--server-workers", type=int, default=2, help="uvicorn worker processes (default 2)")
    args = p.parse_args()
    n_images = args.images or (1_500 if args.quick else 20_000)
    n_texts = args.texts or (10_000 if args.quick else 50_000)
    with c.instance() as inst, tempfile.TemporaryDirectory(prefix="gw-bench-jpegs-") as tmp:
        machine = c.machine(inst.database_url)
        folder = Path(tmp)
        boxes = jpegs(folder, n_images)
        kib = sum(f.stat().st_size for f in folder.glob("*.jpg")) / n_images / 1024
        (folder / "boxes.json").write_text(json.dumps(boxes))
        _, token = inst.user_with_token("scientist@bench.local")
        # The relay, webhook and job loops take no part in streaming; at rest they poll the database
        # (~10% of a core for 2 workers here), which would only blur the server's CPU per sample.
        base_env = inst.env
        inst.env = lambda: {**base_env(), "GROUNDWORK_BACKGROUND_WORKERS": "false"}  # type: ignore[method-assign]
        with c.server(inst, workers=args.server_workers) as srv:
            ids = setup(srv.url, token, folder, boxes, n_texts)
            meter = c.CpuMeter(lambda: c.process_tree(srv.pid) + c.database_backends(inst))
            idle = idle_cpu_rate(meter)
            c.say(f"server and database at rest: {idle * 100:.1f}% of a core")
            common = {"batch_size": args.batch_size, "workers": args.loader_workers}
            local_runs, stream_runs = [], []
            warmed = warm_page_cache(folder, inst.data_dir)
            c.say(f"page cache warmed: {warmed / 2**30:.1f} GiB read (the local JPEGs and the server's copies)")

            def run_local() -> None:
                local_runs.append(phase({"phase": "local", "folder": str(folder),
                                         "boxes": str(folder / "boxes.json"), **common}))

            def run_stream() -> None:
                stream_runs.append(phase({"phase": "stream", "url": srv.url, "token": token,
                                          "project": ids["project"], "snapshot": ids["images"],
                                          "cache_bytes": 64 * 2**20, **common}, meter, idle))

            for k in range(args.rounds):
                for run in (run_local, run_stream) if k % 2 == 0 else (run_stream, run_local):
                    run()
            text = phase({"phase": "text", "url": srv.url, "token": token, "project": ids["project"],
                          "snapshot": ids["texts"], "fetch_size": 512})
    local, stream = median_run(local_runs), median_run(stream_runs)
    figures = {
        "images": n_images, "image_kib_mean": round(kib, 1),
        "local_samples_per_s": local["samples_per_s"], "stream_samples_per_s": stream["samples_per_s"],
        "stream_to_local_ratio": round(stream["samples_per_s"] / local["samples_per_s"], 3),
        # per pair, streaming over local (the two epochs run back to back), the median over the pairs
        "paired_ratio": round(statistics.median(
            st["samples_per_s"] / lo["samples_per_s"] for lo, st in zip(local_runs, stream_runs, strict=True)), 3),
        "local_first_batch_s": local["first_batch_s"], "stream_first_batch_s": stream["first_batch_s"],
        "local_peak_rss_mib": local["peak_rss_mib"], "stream_peak_rss_mib": stream["peak_rss_mib"],
        "local_workers_peak_rss_mib": local["workers_peak_rss_mib"],
        "stream_workers_peak_rss_mib": stream["workers_peak_rss_mib"],
        # CPU per sample, load-independent: the training process and its workers; for streaming also the
        # server and PostgreSQL. On a machine where all of it shares the same cores, throughput follows it.
        "local_cpu_ms_per_sample": local["cpu_ms_per_sample"],
        "stream_client_cpu_ms_per_sample": stream["cpu_ms_per_sample"],
        "stream_server_cpu_ms_per_sample": stream["server_cpu_ms_per_sample"],
        "cpu_ratio_training_node": round(local["cpu_ms_per_sample"] / stream["cpu_ms_per_sample"], 3),
        "cpu_ratio_shared_machine": round(local["cpu_ms_per_sample"] / (
            stream["cpu_ms_per_sample"] + stream["server_cpu_ms_per_sample"]), 3),
        "server_idle_cpu_pct": round(idle * 100, 1),
        "text_records": n_texts, "text_records_per_s": text["samples_per_s"],
        "all_local_samples_per_s": [r["samples_per_s"] for r in local_runs],
        "all_stream_samples_per_s": [r["samples_per_s"] for r in stream_runs],
        "loader_workers": args.loader_workers, "batch_size": args.batch_size,
        "server_workers": args.server_workers,
    }
    c.emit(NAME, figures, TARGETS, machine)


if __name__ == "__main__":
    main()
