"""Bulk import: 100k model boxes over 10k images through ``POST /projects/{id}/annotations/bulk``.

Setup (not timed): a fresh PostgreSQL database, a real uvicorn server, a project and a label schema
made through the API, and the images uploaded through ``POST /projects/{id}/files``. Timed: only
the bulk phase — every annotation validated against its schema and file, stored as a head row and
a version row, and an event recorded — from the first request sent to the last answer received.
"""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import _common as c
import httpx

NAME = "bulk_import"
TARGETS = {"annotations_per_s": ">= 20000"}
# From the product brief, measured there on this kind of machine; NOT measured by this run.
LABEL_STUDIO_TASKS_PER_S = 760
IMAGE_W, IMAGE_H = 64, 48


def bodies(schema_id: int, file_ids: list[int], per_file: int, per_request: int) -> list[bytes]:
    """The request bodies, JSON-encoded up front so the client's encoding is not on the clock."""
    files_per_request = max(1, per_request // per_file)
    out = []
    for start in range(0, len(file_ids), files_per_request):
        files = [{"file_id": fid, "annotations": [
            {"type": "box", "label": "car", "source": "model", "model_name": "bench", "score": 0.9,
             "geometry": {"x": (k * 3) % 40, "y": (k * 5) % 30, "w": 8 + k % 10, "h": 6 + k % 8}}
            for k in range(per_file)]} for fid in file_ids[start:start + files_per_request]]
        out.append(json.dumps({"schema_id": schema_id, "mode": "append", "files": files}).encode())
    return out


# The database's own cost of storing the same rows: one set-based statement per chunk (heads, then
# their first versions), no client, no validation, rolled back. Same tables, indexes and foreign keys.
DB_ONLY_SQL = """
WITH h AS (
  INSERT INTO annotations (id, project_id, file_id, schema_id, label_id, type, geometry, attributes, source,
                           model_name, score, version, deleted, created_by_id, updated_by_id, created_at, updated_at)
  SELECT gen_random_uuid(), %(p)s, (%(files)s::bigint[])[1 + g / %(per_file)s], %(s)s, %(l)s, 'box',
         jsonb_build_object('x', g %% 40, 'y', g %% 30, 'w', 8 + g %% 10, 'h', 6 + g %% 8), '{}'::jsonb,
         'model', 'bench', 0.9, 1, false, %(u)s, %(u)s, now(), now()
  FROM generate_series(0, %(n)s - 1) AS g
  RETURNING id, project_id, file_id, schema_id, label_id, type, geometry, attributes, source, model_name, score)
INSERT INTO annotation_versions (annotation_id, version, project_id, file_id, schema_id, label_id, type, geometry,
                                 attributes, source, model_name, score, deleted, author_id, created_at)
SELECT id, 1, project_id, file_id, schema_id, label_id, type, geometry, attributes, source, model_name, score,
       false, %(u)s, now() FROM h
"""


def database_only_seconds(inst: c.Instance, project: int, schema: int, user: int, file_ids: list[int],
                          per_file: int, per_request: int, parallel: int) -> float:
    """Wall time for PostgreSQL alone to store the same rows with ``parallel`` sessions (rolled back)."""
    import psycopg

    label = inst.scalar(f"SELECT id FROM labels WHERE schema_id = {schema}")
    files_per_chunk = max(1, per_request // per_file)
    chunks = [file_ids[i:i + files_per_chunk] for i in range(0, len(file_ids), files_per_chunk)]

    def run(files: list[int]) -> None:
        with psycopg.connect(inst.database_url) as conn:
            conn.execute(DB_ONLY_SQL, {"p": project, "s": schema, "l": label, "u": user, "files": files,
                                       "per_file": per_file, "n": len(files) * per_file})
            conn.rollback()

    start = time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(run, chunks))
    return time.perf_counter() - start


def import_all(srv: c.Server, token: str, url: str, payloads: list[bytes], threads: int,
               total: int) -> tuple[float, list[float]]:
    """Send every body from ``threads`` client threads; (wall seconds, request latencies)."""
    local = threading.local()
    clients: list[httpx.Client] = []

    def send(body: bytes) -> float:
        if not hasattr(local, "api"):
            local.api = c.client(srv.url, token)
            clients.append(local.api)
        t = time.perf_counter()
        c.ok(local.api.post(url, content=body, headers={"Content-Type": "application/json"}))
        return time.perf_counter() - t

    latencies: list[float] = []
    with c.progress() as bar:
        task = bar.add_task("bulk import (timed)", total=total)
        start = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            for seconds in pool.map(send, payloads):
                latencies.append(seconds)
                bar.advance(task, total // len(payloads))
        wall = time.perf_counter() - start
    for api in clients:
        api.close()
    return wall, latencies


def main() -> None:
    """Run the benchmark and print its JSON line."""
    p = c.parser(__doc__ or NAME)
    p.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (default 2)")
    p.add_argument("--threads", type=int, default=2, help="client threads sending requests (default 2)")
    p.add_argument("--per-request", type=int, help="annotations per request (max and default 10,000; --quick 2,500)")
    p.add_argument("--files", type=int, help="images (10 boxes each); default 10,000, --quick 1,000")
    args = p.parse_args()
    per_file = 10
    n_files = args.files or (1_000 if args.quick else 10_000)
    per_request = args.per_request or (2_500 if args.quick else 10_000)  # --quick: still 2 requests in flight
    total = n_files * per_file

    with c.instance() as inst:
        machine = c.machine(inst.database_url)
        user, token = inst.user_with_token("admin@bench.local", superuser=True)
        with c.server(inst, workers=args.workers) as srv, c.client(srv.url, token) as api:
            project, schema = c.setup_project(api, "bulk import bench")
            c.say(f"uploading {n_files} images ({IMAGE_W}x{IMAGE_H} PNG) through the files API (setup, not timed)")
            t0 = time.perf_counter()
            file_ids = c.upload_images(api, project, n_files, width=IMAGE_W, height=IMAGE_H)
            upload_s = time.perf_counter() - t0
            url = f"/projects/{project}/annotations/bulk"
            # Warm-up: each worker process imports, connects and caches once (one box on a few files).
            warm = bodies(schema, file_ids[:4], 1, 1) * args.workers
            for body in warm:
                c.ok(api.post(url, content=body, headers={"Content-Type": "application/json"}))
            payloads = bodies(schema, file_ids, per_file, per_request)
            c.say(f"importing {total} boxes over {n_files} files: {len(payloads)} requests, "
                  f"{args.threads} client threads, {args.workers} server workers")
            server_cpu = c.CpuMeter(lambda: c.process_tree(srv.pid))
            db_cpu = c.CpuMeter(lambda: c.database_backends(inst))
            server_cpu.start()
            db_cpu.start()
            wall, latencies = import_all(srv, token, url, payloads, args.threads, total)
            server_s, db_s = server_cpu.stop(), db_cpu.stop()

        c.say(f"measuring the database alone storing the same rows ({args.workers} sessions, rolled back)")
        db_only = database_only_seconds(inst, project, schema, user, file_ids, per_file, per_request,
                                        args.workers)
        stored = tuple(inst.scalar(f"SELECT count(*) FROM {t}") for t in ("annotations", "annotation_versions"))
        if stored != (total + len(warm),) * 2:
            raise RuntimeError(f"expected {total + len(warm)} annotations and versions, found {stored}")

    figures = {
        "annotations_per_s": round(total / wall),
        "annotations": total, "files": n_files, "requests": len(payloads),
        "annotations_per_request": total // len(payloads), "seconds": round(wall, 2),
        **c.latency_figures("request", latencies),
        "server_cpu_us_per_annotation": round(server_s / total * 1e6, 1),
        "database_cpu_us_per_annotation": round(db_s / total * 1e6, 1),
        "database_only_annotations_per_s": round(total / db_only),
        "ratio_to_database_only": round(db_only / wall, 3),
        "client_threads": args.threads, "server_workers": args.workers,
        "setup_upload_files_per_s": round(n_files / upload_s, 1),
        "label_studio_reference_tasks_per_s": LABEL_STUDIO_TASKS_PER_S,
    }
    c.emit(NAME, figures, TARGETS, machine)


if __name__ == "__main__":
    main()
