"""Domain data for the ML blocks, through the SDK (``groundwork.Client``) with the worker's service token.

Files are read in batches through snapshots (texts inline, image bytes in one tar stream per request),
never one request per file; pre-labels are written with the bulk annotations endpoint, replacing the
same model's earlier pre-labels of each file (the history keeps every version).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from groundwork import Client, ConflictError
from groundwork.resources.annotations import annotation_body
from groundwork.streaming import StreamingDataset
from groundwork.types import LabelSchema

from workflow_service.blocks.base import StepContext, file_ids_of

T = TypeVar("T")

IDS_PER_QUERY = 1000  # ids per `file.id in [...]` query (queries are at most 10,000 characters)
WRITE_CHUNK = 2000  # files per bulk write (the endpoint takes up to 10,000 annotations)


def client(ctx: StepContext) -> Client:
    """The SDK client of the worker's backend connection (its API URL and service token)."""
    return ctx.api.client


def schema(ctx: StepContext, name: str | None) -> LabelSchema:
    """The label schema by name (default: the project's first), read now: edits apply to the next run."""
    schemas = list(client(ctx).project(ctx.project_id).schemas.list())
    if not schemas:
        raise ValueError("the project has no label schema")
    if name is None:
        return min(schemas, key=lambda s: s.id)
    for s in schemas:
        if s.name == name:
            return s
    raise ValueError(f"no label schema named {name!r}; there are: {', '.join(s.name for s in schemas)}")


class SchemaChanged(Exception):
    """A write was made against a schema revision the schema has left (an admin edited it meanwhile)."""


class KnownSchemas:
    """The label schema a block last read, per API, project and schema name, kept for the process.

    A block that writes with the schema's revision (``write_tags(..., schema_revision=...)``) may start a
    micro-batch from the schema it knows instead of reading it again: a write against a revision the
    schema has left is refused and raises ``SchemaChanged``; the block then forgets it, reads it afresh
    and redoes the batch (the writes replace). One request less per micro-batch, and an edit still
    applies from the next write on.
    """

    def __init__(self) -> None:
        self._known: dict[tuple[str, int, str | None], LabelSchema] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(ctx: StepContext, name: str | None) -> tuple[str, int, str | None]:
        return client(ctx).base_url, ctx.project_id, name

    def get(self, ctx: StepContext, name: str | None) -> LabelSchema | None:
        with self._lock:
            return self._known.get(self._key(ctx, name))

    def remember(self, ctx: StepContext, name: str | None, found: LabelSchema) -> None:
        with self._lock:
            self._known[self._key(ctx, name)] = found

    def forget(self, ctx: StepContext, name: str | None) -> None:
        with self._lock:
            self._known.pop(self._key(ctx, name), None)

    def clear(self) -> None:
        """Forget every schema (e.g. the database behind the API was replaced)."""
        with self._lock:
            self._known.clear()


known_schemas = KnownSchemas()

SCHEMA_ATTEMPTS = 3  # a batch redone after its write found the schema edited; more edits than that fail the step


def redo_on_schema_change(ctx: StepContext, name: str | None, run: Callable[[], T]) -> T:
    """``run()``, whose writes carry the revision of the schema it took from ``known_schemas``: when one finds the
    schema edited since (``SchemaChanged``), run it again (the writes replace, so nothing doubles), up to
    ``SCHEMA_ATTEMPTS`` times. Any failure forgets the remembered schema, so the next try (here, or the step's
    retry) reads it afresh."""
    for attempt in range(1, SCHEMA_ATTEMPTS + 1):
        try:
            return run()
        except BaseException as exc:
            known_schemas.forget(ctx, name)
            if not isinstance(exc, SchemaChanged) or attempt == SCHEMA_ATTEMPTS:
                raise
    raise AssertionError("unreachable: the last attempt returns or raises")


def known_labels(ctx: StepContext, name: str | None, annotation_type: str, wanted: Sequence[str] = ()
                 ) -> tuple[LabelSchema, list[str]] | None:
    """The remembered schema and its labels for ``annotation_type``, if this process knows the schema and it has
    them (a label asked for that the remembered revision lacks may have been added since: None, read it anew)."""
    found = known_schemas.get(ctx, name)
    if found is None:
        return None
    try:
        return found, labels_for(found, annotation_type, wanted)
    except ValueError:
        known_schemas.forget(ctx, name)
        return None


def schema_and_labels(ctx: StepContext, name: str | None, annotation_type: str, wanted: Sequence[str] = ()
                      ) -> tuple[LabelSchema, list[str]]:
    """``known_labels``, or the schema read now (and remembered) with its labels."""
    known = known_labels(ctx, name, annotation_type, wanted)
    if known is not None:
        return known
    found = schema(ctx, name)
    labels = labels_for(found, annotation_type, wanted)
    known_schemas.remember(ctx, name, found)
    return found, labels


def labels_for(found: LabelSchema, annotation_type: str, wanted: Sequence[str] = ()) -> list[str]:
    """The schema's live labels that allow ``annotation_type`` (optionally only the ``wanted`` ones), in order."""
    names = [label.name for label in found.labels if not label.archived and annotation_type in label.annotation_types]
    if wanted:
        missing = [w for w in wanted if w not in names]
        if missing:
            raise ValueError(f"labels {missing} are not {annotation_type} labels of schema {found.name!r}")
        names = [n for n in names if n in wanted]
    if not names:
        raise ValueError(f"schema {found.name!r} has no label that allows {annotation_type!r} annotations")
    return names


def files_query(ids: Sequence[int]) -> str:
    """The query that selects exactly these files."""
    return f"file.id in [{', '.join(str(int(i)) for i in ids)}]"


def input_files(args: Sequence[Any]) -> list[int]:
    """Every file id the block's arguments are about (lists of ids, events, a manual run's input)."""
    out: list[int] = []
    for arg in args:
        if isinstance(arg, dict) and "registered_model" in arg:  # a model from `train`: not files
            continue
        out += file_ids_of(arg)
    return list(dict.fromkeys(out))


@dataclass
class Slice:
    """Files read through a snapshot: the items (decoded) and the snapshot they came from."""

    snapshot_id: int | None
    items: list[dict[str, Any]] = field(default_factory=list)

    @property
    def file_ids(self) -> list[int]:
        """The files, in the snapshot's order."""
        return [int(i["file_id"]) for i in self.items]


def _dataset(ctx: StepContext, *, query: str = "", dataset: str | None = None, snapshot_id: int | None = None,
             decode: bool = True) -> StreamingDataset:
    project = client(ctx).project(ctx.project_id)
    options = {"decode": decode, "on_unavailable": "skip", "fetch_size": 256}
    if snapshot_id is not None:
        return project.snapshot(snapshot_id, **options)
    if dataset is not None:
        return project.dataset(dataset, query=query, **options)
    return project.files(query, **options)


def read_slice(ctx: StepContext, *, query: str = "", dataset: str | None = None, snapshot_id: int | None = None,
               kind: Literal["text", "image"] | None = None, limit: int | None = None, decode: bool = True,
               keep: bool = True) -> Slice:
    """A query-defined slice (or a dataset, or an existing snapshot), read through a snapshot: kept (the data a
    model saw, for reproducibility) or, with ``keep=False``, deleted once read."""
    if kind is not None and snapshot_id is None:
        query = _of_kind(kind, query)
    ds = _dataset(ctx, query=query, dataset=dataset, snapshot_id=snapshot_id, decode=decode)
    count = len(ds) if limit is None else min(len(ds), limit)
    try:
        return Slice(ds.snapshot_id, list(ds.iter_positions(range(count))) if count else [])
    finally:
        if not keep and snapshot_id is None:
            client(ctx).project(ctx.project_id).snapshots.delete(ds.snapshot_id)


def iter_slice(ctx: StepContext, *, query: str, kind: Literal["text", "image"], chunk: int = 1000
               ) -> Iterator[list[dict[str, Any]]]:
    """A query's files in chunks (memory stays bounded on large pools); the snapshot is deleted at the end."""
    ds = _dataset(ctx, query=_of_kind(kind, query))
    try:
        for start in range(0, len(ds), chunk):
            yield list(ds.iter_positions(range(start, min(len(ds), start + chunk))))
    finally:
        client(ctx).project(ctx.project_id).snapshots.delete(ds.snapshot_id)


def _of_kind(kind: str, query: str) -> str:
    return f"file.kind = '{kind}'" + (f" and ({query})" if query.strip() else "")


def read_files(ctx: StepContext, ids: Sequence[int], *, decode: bool = True) -> list[dict[str, Any]]:
    """These files with their current annotations, in the order given (files that are gone are left out).

    A short-lived snapshot per chunk carries them (two requests per chunk); it is deleted afterwards.
    """
    found: dict[int, dict[str, Any]] = {}
    snapshots = client(ctx).project(ctx.project_id).snapshots
    for start in range(0, len(ids), IDS_PER_QUERY):
        chunk = ids[start:start + IDS_PER_QUERY]
        ds = _dataset(ctx, query=files_query(chunk), decode=decode)
        try:
            for item in ds.get_many(range(len(ds))):
                found[int(item["file_id"])] = item
        finally:
            snapshots.delete(ds.snapshot_id)
    return [found[i] for i in ids if i in found]


def texts(ctx: StepContext, ids: Sequence[int]) -> dict[int, str]:
    """The texts of these files in one request per 1,000 (images and files that are gone are left out)."""
    return client(ctx).project(ctx.project_id).files.texts(list(ids)) if ids else {}


def schema_and_texts(ctx: StepContext, name: str | None, ids: Sequence[int]) -> tuple[LabelSchema, dict[int, str]]:
    """The label schema and the texts, fetched at the same time (two requests in flight, not one after the other)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        found = pool.submit(schema, ctx, name)
        got = texts(ctx, ids)
        return found.result(), got


def iter_chunks(values: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """``values`` in consecutive chunks of at most ``size``."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def tag_label(item: dict[str, Any], schema_id: int, *, source: Literal["human", "any"] = "human") -> str | None:
    """The file's class: its one tag label in the schema (human-made only, by default); None when absent or mixed."""
    names = {a["label"] for a in item.get("annotations", ())
             if a["type"] == "tag" and a["schema_id"] == schema_id and a["label"]
             and (source == "any" or a["source"] == "human")}
    return names.pop() if len(names) == 1 else None


@dataclass(frozen=True)
class ModelTag:
    """Who wrote a pre-label: the model's name and version (shown beside each annotation and in its history)."""

    name: str
    version: str


def write_tags(ctx: StepContext, schema_id: int, predictions: Iterable[tuple[int, str, float]], model: ModelTag,
               *, replace: Literal["model", "source"] = "model", schema_revision: int | None = None) -> int:
    """Write (file, label, score) as model-made tags; each replaces that file's earlier pre-labels of the same
    model (``replace="source"``: every model-made annotation of the file). Returns the annotations written."""
    return write_annotations(ctx, schema_id, {fid: [annotation_body(
        "tag", label=label, source="model", model_name=model.name, model_version=model.version,
        score=round(float(score), 6))] for fid, label, score in predictions}, replace=replace,
        schema_revision=schema_revision)


def write_annotations(ctx: StepContext, schema_id: int, by_file: dict[int, list[dict[str, Any]]], *,
                      replace: Literal["model", "source"] = "model",
                      previous: Iterable[dict[str, Any]] = (), model_name: str | None = None,
                      schema_revision: int | None = None) -> int:
    """Bulk-write model annotations per file (replace mode: a retried step never duplicates them).

    A file whose list is empty loses its earlier pre-labels too; when every list is empty the bulk write
    has no model name to replace by, so the ``previous`` items' pre-labels of ``model_name`` are deleted.
    With ``schema_revision``, a schema that has left that revision raises ``SchemaChanged`` (nothing of
    that request is stored).
    """
    annotations = client(ctx).project(ctx.project_id).annotations
    if by_file and not any(by_file.values()):
        for item in previous:
            for a in item.get("annotations", ()):
                if a["source"] == "model" and (a["model_name"] == model_name or replace == "source"):
                    annotations.delete(a["id"], a["version"])
        return 0
    written = 0
    files = list(by_file)
    for chunk in iter_chunks(files, WRITE_CHUNK):
        try:
            result = annotations.bulk({f: by_file[f] for f in chunk}, schema_id=schema_id, mode="replace",
                                      replace_scope=replace, schema_revision=schema_revision)
        except ConflictError as exc:
            if exc.code == "stale_version" and schema_revision is not None:
                raise SchemaChanged(exc.message) from exc
            raise
        written += result.created
    return written
