"""Formats: COCO export time and peak memory at N and 2N, a label query's latency, COCO import rate.

Setup (not timed): a fresh PostgreSQL database, a real uvicorn server (one process, background jobs
on, as ``groundwork serve`` runs them), a project and label schema made through the API, then the
data set seeded set-based in SQL (``INSERT … SELECT generate_series``): N image files with 10 boxes
each (labels car/pedestrian/person varying per file), their first versions and label counts.

Timed, through the HTTP API:
- COCO export of every file: ``POST /exports`` → poll → done. ``export_seconds`` is the job's own
  time (started → finished); ``export_peak_rss_mb`` the server process's peak RSS (VmHWM) read
  after the export, on a server started just before it. Measured at N, then again after seeding a
  second N (2N: the full size, 100k files and 1M annotations) on a fresh server.
- ``labels.car > 3 and labels.pedestrian >= 1``: the first page (100 files) of ``GET /files?q=``,
  repeated; p50/p95. Also the count (``GET /files/count?q=``).
- COCO import: a COCO JSON file of boxes on existing files (matched by name) through
  ``POST /imports``; ``import_annotations_per_s`` = annotations / the job's own time (reading,
  validation, versions, label counts, events included; the upload is not).

Yardstick, measured in the same run: ``import_database_only_annotations_per_s``, PostgreSQL alone
storing the same rows (heads, first versions and label counts, from one session as the import writes,
10,000 a statement, time-ordered ids, rolled back): no reading, no validation, no network.
``import_ratio_to_database_only`` is the import's rate over that.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

import _common as c
import httpx

NAME = "formats"
TARGETS = {"export_seconds": "< 60", "export_peak_rss_mb": "< 300", "query_p50_ms": "< 100",
           "import_annotations_per_s": ">= 20000"}
QUERY = "labels.car > 3 and labels.pedestrian >= 1"
PER_FILE = 10

SCHEMA = {"name": "traffic", "labels": [
    {"name": "car", "color": "#1f77b4", "annotation_types": ["box", "polygon"]},
    {"name": "pedestrian", "color": "#ff7f0e", "annotation_types": ["box"]},
    {"name": "person", "color": "#2ca02c", "annotation_types": ["box"]}]}

# File n (1-based within a seeding round) gets n % 7 cars, one pedestrian when n % 3 == 0, persons after.
SEED_SQL = """
INSERT INTO files (project_id, kind, name, mime_type, size_bytes, content_hash, storage_key, width, height,
                   metadata, created_by_id, created_at, updated_at)
SELECT %(p)s, 'image', 'img-' || lpad(g::text, 8, '0') || '.jpg', 'image/jpeg', 50000, md5('a' || g) || md5('b' || g),
       'bench/' || g, 640, 480, jsonb_build_object('camera', CASE WHEN g %% 2 = 0 THEN 'front' ELSE 'rear' END),
       %(u)s, now() - interval '1 hour', now() - interval '1 hour'
FROM generate_series(%(first)s::int, %(last)s::int) AS g;

CREATE TEMP TABLE seed_files ON COMMIT DROP AS
SELECT id, (substring(name from 5 for 8))::int AS n FROM files WHERE project_id = %(p)s AND id > %(after)s;

INSERT INTO annotations (id, project_id, file_id, schema_id, label_id, type, geometry, attributes, source, version,
                         deleted, created_by_id, updated_by_id, created_at, updated_at)
SELECT gen_random_uuid(), %(p)s, f.id, %(s)s,
       CASE WHEN k < f.n %% 7 THEN %(car)s
            WHEN k = f.n %% 7 AND f.n %% 3 = 0 THEN %(ped)s ELSE %(person)s END,
       'box', jsonb_build_object('x', k * 50 + 1.5, 'y', k * 30 + 2, 'w', 40, 'h', 25.25), '{}'::jsonb, 'human', 1,
       false, %(u)s, %(u)s, now() - interval '1 hour', now() - interval '1 hour'
FROM seed_files f CROSS JOIN generate_series(0, 9) AS k;

INSERT INTO annotation_versions (annotation_id, version, project_id, file_id, schema_id, label_id, type, geometry,
                                 attributes, source, deleted, author_id, created_at)
SELECT a.id, 1, a.project_id, a.file_id, a.schema_id, a.label_id, a.type, a.geometry, a.attributes, a.source, false,
       a.created_by_id, a.created_at
FROM annotations a JOIN seed_files f ON f.id = a.file_id;

INSERT INTO file_label_counts (file_id, label_id, source, count)
SELECT a.file_id, a.label_id, a.source, count(*) FROM annotations a JOIN seed_files f ON f.id = a.file_id
GROUP BY a.file_id, a.label_id, a.source
UNION ALL
SELECT a.file_id, a.label_id, '*', count(*) FROM annotations a JOIN seed_files f ON f.id = a.file_id
GROUP BY a.file_id, a.label_id;
"""


def seed(inst: c.Instance, project: int, schema: int, labels: dict[str, int], user: int, first: int,
         count: int) -> float:
    """Add ``count`` files numbered from ``first``, 10 boxes each, set-based; seconds taken."""
    import psycopg

    after = inst.scalar(f"SELECT coalesce(max(id), 0) FROM files WHERE project_id = {project}")
    t0 = time.perf_counter()
    params = {"p": project, "s": schema, "u": user, "first": first, "last": first + count - 1, "after": after,
              "car": labels["car"], "ped": labels["pedestrian"], "person": labels["person"]}
    with psycopg.connect(inst.database_url) as conn:  # one transaction
        for statement in SEED_SQL.split(";\n\n"):
            conn.execute(statement, {k: v for k, v in params.items() if f"%({k})s" in statement})
    with psycopg.connect(inst.database_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - t0


def peak_rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process, MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def wait_job(api: httpx.Client, path: str, what: str) -> dict[str, Any]:
    """Poll a job until it ends; the finished job (raises if it failed)."""
    with c.progress() as bar:
        task = bar.add_task(what, total=None)
        while True:
            job = c.ok(api.get(path)).json()
            bar.update(task, completed=job["progress"]["done"], total=job["progress"]["total"])
            if job["status"] in ("succeeded", "failed"):
                break
            time.sleep(0.25)
    if job["status"] != "succeeded":
        raise RuntimeError(f"{path} failed: {job['error']}")
    return dict(job)


def job_seconds(job: dict[str, Any]) -> float:
    """The job's own time, from its first claim to its end."""
    from datetime import datetime

    return (datetime.fromisoformat(job["finished_at"]) - datetime.fromisoformat(job["started_at"])).total_seconds()


def export_coco(inst: c.Instance, token: str, project: int, schema: int, expected: int) -> dict[str, float]:
    """A COCO export of everything on a freshly started server; time, memory, size."""
    with c.server(inst, workers=1) as srv, c.client(srv.url, token) as api:
        c.ok(api.get(f"/projects/{project}/exports"))  # warm: the first request imports and connects
        idle_mb, _ = peak_rss_mb(srv.pid)
        cpu, db_cpu = c.CpuMeter(lambda: [srv.pid]), c.CpuMeter(lambda: c.database_backends(inst))
        cpu.start()
        db_cpu.start()
        t0 = time.perf_counter()
        created = c.ok(api.post(f"/projects/{project}/exports", json={"format": "coco", "schema_id": schema}),
                       202).json()
        job = wait_job(api, f"/projects/{project}/exports/{created['id']}", "COCO export (timed)")
        wall = time.perf_counter() - t0
        server_cpu, database_cpu = cpu.stop(), db_cpu.stop()
        _, peak_mb = peak_rss_mb(srv.pid)
        if job["stats"]["annotations"] != expected:
            raise RuntimeError(f"exported {job['stats']['annotations']} annotations, expected {expected}")
        with api.stream("GET", srv.url + job["download_url"]) as r:
            c.ok(r)
            size = sum(len(chunk) for chunk in r.iter_bytes(1 << 20))
        if size != job["size_bytes"]:
            raise RuntimeError(f"downloaded {size} bytes, the job says {job['size_bytes']}")
    seconds = job_seconds(job)
    return {"seconds": round(seconds, 2), "wall_seconds": round(wall, 2), "peak_rss_mb": round(peak_mb, 1),
            "idle_rss_mb": round(idle_mb, 1), "size_mb": round(size / 2**20, 1),
            "annotations_per_s": round(expected / seconds), "server_cpu_s": round(server_cpu, 2),
            "server_cpu_us_per_annotation": round(server_cpu / expected * 1e6, 1),
            "database_cpu_us_per_annotation": round(database_cpu / expected * 1e6, 1)}


def query_latency(api: httpx.Client, project: int, rounds: int) -> dict[str, Any]:
    """The query's first page and its count, repeated."""
    for _ in range(3):
        c.ok(api.get(f"/projects/{project}/files", params={"q": QUERY, "limit": 100}))
    page, count = [], []
    matched = 0
    for _ in range(rounds):
        t = time.perf_counter()
        c.ok(api.get(f"/projects/{project}/files", params={"q": QUERY, "limit": 100}))
        page.append(time.perf_counter() - t)
        t = time.perf_counter()
        matched = c.ok(api.get(f"/projects/{project}/files/count", params={"q": QUERY})).json()["count"]
        count.append(time.perf_counter() - t)
    return {**c.latency_figures("query", page), **c.latency_figures("query_count", count), "query_matches": matched}


def coco_file(path: Path, first: int, files: int) -> int:
    """A COCO file with 10 boxes on each of ``files`` seeded images; how many annotations."""
    with open(path, "w") as f:
        f.write('{"images":[')
        f.write(",".join(json.dumps({"id": i, "file_name": f"img-{i:08d}.jpg", "width": 640, "height": 480})
                         for i in range(first, first + files)))
        f.write('],"categories":[{"id":1,"name":"car"},{"id":2,"name":"pedestrian"},{"id":3,"name":"person"}],'
                '"annotations":[')
        n = 0
        for i in range(first, first + files):
            for k in range(PER_FILE):
                n += 1
                f.write(("," if n > 1 else "") + json.dumps(
                    {"id": n, "image_id": i, "category_id": 1 + (i + k) % 3, "iscrowd": 0, "area": 1000.0,
                     "bbox": [k * 40 + 3.5, k * 25 + 1, 30, 20], "segmentation": []}))
        f.write("]}")
    return n


IMPORT_DB_ONLY_SQL = """
WITH h AS (
  INSERT INTO annotations (id, project_id, file_id, schema_id, label_id, type, geometry, attributes, source,
                           version, deleted, created_by_id, updated_by_id, created_at, updated_at)
  SELECT (%(ids)s::uuid[])[1 + g], %(p)s, (%(files)s::bigint[])[1 + g / 10], %(s)s, (%(labels)s::bigint[])[1 + g %% 3],
         'box', jsonb_build_object('x', (g %% 10) * 40 + 3.5, 'y', (g %% 10) * 25 + 1.0, 'w', 30.0, 'h', 20.0),
         '{}'::jsonb, 'human', 1, false, %(u)s, %(u)s, now(), now()
  FROM generate_series(0, %(n)s - 1) AS g
  RETURNING id, project_id, file_id, schema_id, label_id, type, geometry, attributes, source),
v AS (
  INSERT INTO annotation_versions (annotation_id, version, project_id, file_id, schema_id, label_id, type, geometry,
                                   attributes, source, deleted, author_id, created_at)
  SELECT id, 1, project_id, file_id, schema_id, label_id, type, geometry, attributes, source, false, %(u)s, now()
  FROM h RETURNING file_id, label_id, source)
INSERT INTO file_label_counts (file_id, label_id, source, count)
SELECT file_id, label_id, s, count(*) FROM v, unnest(ARRAY[v.source, '*']) AS s
GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
ON CONFLICT (file_id, label_id, source) DO UPDATE SET count = file_label_counts.count + excluded.count
"""


def database_only_import(inst: c.Instance, project: int, schema: int, labels: dict[str, int], user: int,
                         files: int) -> float:
    """Annotations/s for PostgreSQL alone storing what the import stores, 10,000 per statement (rolled back)."""
    import psycopg

    from backend.core.ids import uuid7

    with psycopg.connect(inst.database_url) as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM files WHERE project_id = %s AND name = ANY(%s) ORDER BY name",
                                          [project, [f"img-{i:08d}.jpg" for i in range(1, files + 1)]])]
        conn.rollback()
        seconds = 0.0
        for i in range(0, len(ids), 1000):
            chunk = ids[i:i + 1000]
            params = {"ids": [uuid7() for _ in range(len(chunk) * PER_FILE)], "p": project, "s": schema, "u": user,
                      "files": chunk, "n": len(chunk) * PER_FILE,
                      "labels": [labels["car"], labels["pedestrian"], labels["person"]]}
            t = time.perf_counter()
            conn.execute(IMPORT_DB_ONLY_SQL, params)
            seconds += time.perf_counter() - t
            conn.rollback()
    return len(ids) * PER_FILE / seconds


def import_coco(inst: c.Instance, api: httpx.Client, srv: c.Server, project: int, schema: int, path: Path,
                annotations: int) -> dict[str, float]:
    """Upload the COCO file as an import and wait for it; the job's rate."""
    cpu, db_cpu = c.CpuMeter(lambda: [srv.pid]), c.CpuMeter(lambda: c.database_backends(inst))
    cpu.start()
    db_cpu.start()
    with open(path, "rb") as f:
        created = c.ok(api.post(f"/projects/{project}/imports", files={"file": ("bench.json", f)},
                                data={"format": "coco", "schema_id": str(schema)}), 202).json()
    job = wait_job(api, f"/projects/{project}/imports/{created['id']}", "COCO import (timed)")
    server_cpu, database_cpu = cpu.stop(), db_cpu.stop()
    if job["counts"]["annotations"] != annotations or job["counts"]["rejected"]:
        raise RuntimeError(f"import wrote {job['counts']}, expected {annotations} annotations and no rejections")
    seconds = job_seconds(job)
    return {"import_annotations_per_s": round(annotations / seconds), "import_seconds": round(seconds, 2),
            "import_annotations": annotations,
            "import_server_cpu_us_per_annotation": round(server_cpu / annotations * 1e6, 1),
            "import_database_cpu_us_per_annotation": round(database_cpu / annotations * 1e6, 1)}


def main() -> None:
    """Run the benchmark and print its JSON line."""
    p = c.parser(__doc__ or NAME)
    p.add_argument("--files", type=int, help="N: files per seeding round (10 boxes each); the export is measured "
                   "at N and 2N. Default 50,000 (2N = 100k files, 1M annotations); --quick 10,000")
    p.add_argument("--import-files", type=int, help="files the COCO import covers (10 boxes each); default 20,000, "
                   "--quick 2,000")
    p.add_argument("--rounds", type=int, default=30, help="query repetitions (default 30)")
    args = p.parse_args()
    n = args.files or (10_000 if args.quick else 50_000)
    import_files = args.import_files or (2_000 if args.quick else 20_000)

    with c.instance() as inst, tempfile.TemporaryDirectory(prefix="gw-bench-coco-") as tmp:
        machine = c.machine(inst.database_url)
        user, token = inst.user_with_token("admin@bench.local", superuser=True)
        with c.server(inst, workers=1) as srv, c.client(srv.url, token) as api:
            project = c.ok(api.post("/projects", json={"name": "formats bench"})).json()["id"]
            schema = c.ok(api.post(f"/projects/{project}/schemas", json=SCHEMA)).json()
        labels = {label["name"]: label["id"] for label in schema["labels"]}
        c.say(f"seeding {n} files with {n * PER_FILE} boxes (set-based SQL; setup, not timed)")
        seed_s = seed(inst, project, schema["id"], labels, user, 1, n)
        c.say(f"COCO export at N = {n} files, {n * PER_FILE} annotations")
        at_n = export_coco(inst, token, project, schema["id"], n * PER_FILE)
        with c.server(inst, workers=1) as srv, c.client(srv.url, token) as api:
            query_n = query_latency(api, project, args.rounds)
        c.say(f"seeding {n} more files (2N = {2 * n} files, {2 * n * PER_FILE} annotations)")
        seed_s += seed(inst, project, schema["id"], labels, user, n + 1, n)
        c.say("COCO export at 2N")
        at_2n = export_coco(inst, token, project, schema["id"], 2 * n * PER_FILE)
        coco = Path(tmp) / "import.json"
        imported = coco_file(coco, 1, import_files)
        with c.server(inst, workers=1) as srv, c.client(srv.url, token) as api:
            query_2n = query_latency(api, project, args.rounds)
            c.say(f"COCO import: {imported} boxes on {import_files} files ({coco.stat().st_size // 2**20} MB)")
            imports = import_coco(inst, api, srv, project, schema["id"], coco, imported)
        c.say("yardstick: PostgreSQL alone storing the same rows")
        db_only = database_only_import(inst, project, schema["id"], labels, user, import_files)
        imports["import_database_only_annotations_per_s"] = round(db_only)
        imports["import_ratio_to_database_only"] = round(imports["import_annotations_per_s"] / db_only, 3)

    figures = {
        "export_seconds": at_2n["seconds"], "export_peak_rss_mb": at_2n["peak_rss_mb"],
        "query_p50_ms": query_2n["query_p50_ms"], **imports,
        "files": 2 * n, "annotations": 2 * n * PER_FILE,
        "export_annotations_per_s": at_2n["annotations_per_s"], "export_wall_seconds": at_2n["wall_seconds"],
        "export_size_mb": at_2n["size_mb"], "export_idle_rss_mb": at_2n["idle_rss_mb"],
        "export_server_cpu_s": at_2n["server_cpu_s"],
        "export_server_cpu_us_per_annotation": at_2n["server_cpu_us_per_annotation"],
        "export_database_cpu_us_per_annotation": at_2n["database_cpu_us_per_annotation"],
        "export_at_n_seconds": at_n["seconds"], "export_at_n_peak_rss_mb": at_n["peak_rss_mb"],
        "export_at_n_idle_rss_mb": at_n["idle_rss_mb"],
        "rss_growth_n_to_2n_mb": round(at_2n["peak_rss_mb"] - at_n["peak_rss_mb"], 1),
        **{k: v for k, v in query_2n.items() if k != "query_p50_ms"},
        "query_p50_ms_at_n": query_n["query_p50_ms"], "query_matches_at_n": query_n["query_matches"],
        "setup_seed_seconds": round(seed_s, 1),
    }
    c.emit(NAME, figures, TARGETS, machine)


if __name__ == "__main__":
    main()
