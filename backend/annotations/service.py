"""Annotation rules: validate against schema and file, version every change, refuse stale writes."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from backend.annotations import repository as repo
from backend.annotations.geometry import FileShape, check_shape, parse_geometry
from backend.annotations.models import Annotation, AnnotationVersion
from backend.annotations.schemas import (
    AnnotationDiff,
    AnnotationIn,
    AnnotationUpdate,
    BulkResult,
    BulkWrite,
    FieldChange,
)
from backend.core.errors import NotFound, StaleVersion, ValidationFailed
from backend.core.ids import uuid7
from backend.core.types import utcnow
from backend.events.service import record
from backend.files import service as files_service
from backend.label_schemas.models import AnnotationType, AttributeScope
from backend.label_schemas.spec import SchemaSpec
from backend.projects.deps import ProjectAccess
from backend.query import counts as label_counts

DIFF_FIELDS = ("label_id", "type", "geometry", "attributes", "source", "model_name", "model_version", "score",
               "deleted")


class _Specs:
    """Schema specs loaded once per request, by id, checked to belong to the project."""

    def __init__(self, session: Session, project_id: int) -> None:
        self.session, self.project_id = session, project_id
        self._cache: dict[int, SchemaSpec] = {}
        self._missing: set[int] = set()

    def get(self, schema_id: int | None, where: str) -> SchemaSpec:
        if schema_id is None:
            raise ValidationFailed("schema_id is required", field=f"{where}.schema_id")
        spec = self._cache.get(schema_id)
        if spec is None:
            if schema_id in self._missing:  # known already: no query (a bulk write may be mid-stream)
                raise ValidationFailed(f"no label schema {schema_id} in this project", field=f"{where}.schema_id")
            spec = SchemaSpec.current(self.session, self.project_id, schema_id)
            if spec is None:
                self._missing.add(schema_id)
                raise ValidationFailed(f"no label schema {schema_id} in this project", field=f"{where}.schema_id")
            self._cache[schema_id] = spec
        return spec

    def preload(self, schema_id: int | None, where: str) -> None:
        """Load a schema now (an unknown one is only noted: ``get`` reports it where it is used)."""
        if schema_id is not None:
            with contextlib.suppress(ValidationFailed):
                self.get(schema_id, where)


def _visible_file(session: Session, access: ProjectAccess, file_id: int, *, write: bool) -> FileShape:
    """The file if the caller may see it (the files domain's rule) and, ``write``, annotate it; else 404."""
    # One query: the file under the visibility rule and, for an annotator's write, whether a task of theirs
    # on it is still open.
    editable_by = access.user.id if write and not access.sees_all_files else None
    found = repo.file_shape(session, access.project.id, file_id, files_service.visible_files_filter(access),
                            editable_by=editable_by)
    if found is None:
        raise NotFound("file not found")
    shape, editable = found
    if not editable:
        raise NotFound("file not found", detail={"reason": "no open task of yours on this file"})
    return shape


def _changeable(session: Session, access: ProjectAccess, annotation_id: uuid.UUID) -> tuple[Annotation, FileShape]:
    """The live head and its file, if the caller may change it; the same 404s as ``get`` then a write check."""
    head = repo.head(session, access.project.id, annotation_id)
    if head is None:
        raise NotFound("annotation not found")
    if head.deleted:
        _visible_file(session, access, head.file_id, write=False)
        raise NotFound("annotation was deleted")
    return head, _visible_file(session, access, head.file_id, write=True)


def _content(data: AnnotationIn, spec: SchemaSpec, file: FileShape, where: str) -> dict[str, Any]:
    """Validated content columns for a new annotation."""
    type_ = AnnotationType(data.type)
    label = spec.resolve_label(data.label_id, data.label, where)
    check_shape(type_, data.geometry, file, label, where)
    scope = AttributeScope.file if type_ == AnnotationType.tag else AttributeScope.instance
    attributes = spec.check_attributes(data.attributes, scope=scope, label=label,
                                       enforce_required=data.source == "human", where=where)
    return {"file_id": file.id, "schema_id": spec.schema.id, "label_id": label.id if label else None,
            "type": type_, "geometry": data.geometry.model_dump() if data.geometry is not None else None,
            "attributes": attributes, "source": data.source, "model_name": data.model_name,
            "model_version": data.model_version, "score": data.score}


def _version_row(annotation_id: uuid.UUID, number: int, content: dict[str, Any], *, deleted: bool,
                 author_id: int, at: datetime) -> dict[str, Any]:
    row = {k: content[k] for k in repo.CONTENT}
    row.update(annotation_id=annotation_id, version=number, deleted=deleted, author_id=author_id, created_at=at)
    return row


def _head_content(head: Annotation) -> dict[str, Any]:
    return {k: getattr(head, k) for k in repo.CONTENT}


def _event_payload(head_id: uuid.UUID, content: dict[str, Any], version: int) -> dict[str, Any]:
    return {"annotation_id": str(head_id), "file_id": content["file_id"], "version": version,
            "label_id": content["label_id"], "type": str(content["type"]), "source": content["source"]}


def create(session: Session, access: ProjectAccess, file_id: int, data: AnnotationIn) -> Annotation:
    """A new annotation (version 1) on a file."""
    file = _visible_file(session, access, file_id, write=True)
    spec = _Specs(session, access.project.id).get(data.schema_id, "body")
    content = _content(data, spec, file, "body")
    content["project_id"] = access.project.id
    now, aid = utcnow(), data.id or uuid7()
    if data.id is not None and session.get(Annotation, aid) is not None:
        raise ValidationFailed("an annotation with this id already exists", field="body.id")
    head = repo.insert_one(session, {**content, "id": aid, "version": 1, "deleted": False,
                                     "created_by_id": access.user.id, "updated_by_id": access.user.id,
                                     "created_at": now, "updated_at": now})
    label_counts.apply(session, added=[content])
    record(session, "annotation.created", project_id=access.project.id, actor_id=access.user.id,
           payload=_event_payload(aid, content, 1))
    return head


def get(session: Session, access: ProjectAccess, annotation_id: uuid.UUID) -> Annotation:
    """The current state of an annotation the caller may see."""
    head = repo.head(session, access.project.id, annotation_id)
    if head is None:
        raise NotFound("annotation not found")
    _visible_file(session, access, head.file_id, write=False)
    session.refresh(head)
    return head


def _stale(session: Session, access: ProjectAccess, annotation_id: uuid.UUID, given: int) -> StaleVersion:
    current = repo.head(session, access.project.id, annotation_id)
    assert current is not None
    session.refresh(current)
    if current.deleted:
        raise NotFound("annotation was deleted", detail={"current_version": current.version})
    return StaleVersion(f"annotation is at version {current.version}, not {given}; reload and retry",
                        field="body.version", detail={"current_version": current.version})


def update(session: Session, access: ProjectAccess, annotation_id: uuid.UUID, data: AnnotationUpdate) -> Annotation:
    """A new version with the given changes, if ``data.version`` is still current (else 409)."""
    head, file = _changeable(session, access, annotation_id)
    spec = _Specs(session, access.project.id).get(head.schema_id, "body")
    content = _head_content(head)
    old_label_id, old_source = head.label_id, head.source
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    if data.source is not None:  # a person accepting a pre-label makes it human work
        content["source"] = data.source
    label = spec.labels_by_id.get(head.label_id) if head.label_id is not None else None
    if "label" in changes or "label_id" in changes:
        label = spec.resolve_label(data.label_id, data.label, "body")
        content["label_id"] = label.id if label else None
    geometry: object = parse_geometry(head.type, content["geometry"], "body")
    if "geometry" in changes:
        geometry = parse_geometry(head.type, data.geometry, "body")
        content["geometry"] = geometry.model_dump() if geometry is not None else None  # type: ignore[attr-defined]
    check_shape(head.type, geometry, file, label, "body")
    scope = AttributeScope.file if head.type == AnnotationType.tag else AttributeScope.instance
    attributes = data.attributes if data.attributes is not None else content["attributes"]
    content["attributes"] = spec.check_attributes(attributes, scope=scope, label=label,
                                                  enforce_required=content["source"] == "human", where="body")
    if "score" in changes:
        content["score"] = data.score
    now = utcnow()
    values = {k: content[k] for k in ("label_id", "geometry", "attributes", "score", "source")}
    new = repo.bump(session, head.id, data.version, {**values, "updated_at": now, "updated_by_id": access.user.id})
    if new is None:
        raise _stale(session, access, head.id, data.version)
    repo.insert_versions(session, [_version_row(head.id, data.version + 1, content, deleted=False,
                                                author_id=access.user.id, at=now)])
    if content["label_id"] != old_label_id or content["source"] != old_source:
        label_counts.apply(session, added=[content],
                           removed=[{**content, "label_id": old_label_id, "source": old_source}])
    record(session, "annotation.updated", project_id=access.project.id, actor_id=access.user.id,
           payload=_event_payload(head.id, content, data.version + 1))
    return new


def delete(session: Session, access: ProjectAccess, annotation_id: uuid.UUID, version: int) -> None:
    """Delete by writing a tombstone version (history keeps every earlier state)."""
    head, _ = _changeable(session, access, annotation_id)
    content, now = _head_content(head), utcnow()
    if not repo.bump(session, head.id, version, {"deleted": True, "updated_at": now,
                                                  "updated_by_id": access.user.id}):
        raise _stale(session, access, head.id, version)
    repo.insert_versions(session, [_version_row(head.id, version + 1, content, deleted=True,
                                                author_id=access.user.id, at=now)])
    label_counts.apply(session, removed=[content])
    record(session, "annotation.deleted", project_id=access.project.id, actor_id=access.user.id,
           payload=_event_payload(head.id, content, version + 1))


def diff(session: Session, access: ProjectAccess, annotation_id: uuid.UUID, a: int, b: int) -> AnnotationDiff:
    """Field-by-field changes between two versions of one annotation."""
    get(session, access, annotation_id)
    va, vb = repo.version(session, annotation_id, a), repo.version(session, annotation_id, b)
    if va is None or vb is None:
        raise NotFound(f"version {a if va is None else b} not found",
                       field="query.from" if va is None else "query.to")
    changes = {f: FieldChange(before=getattr(va, f), after=getattr(vb, f))
               for f in DIFF_FIELDS if getattr(va, f) != getattr(vb, f)}
    return AnnotationDiff(annotation_id=annotation_id, from_version=a, to_version=b, changes=changes)


def check_file_visible(session: Session, access: ProjectAccess, file_id: int) -> None:
    """404 unless the caller may see the file."""
    _visible_file(session, access, file_id, write=False)


def bulk_write(session: Session, access: ProjectAccess, data: BulkWrite, max_annotations: int, *,
               rejected: list[tuple[int, int, ValidationFailed]] | None = None,
               before_shared: Callable[[], None] | None = None) -> BulkResult:
    """Append or replace the annotations of many files; nothing is stored unless all of them are valid.

    With ``rejected`` (imports), an annotation that fails the schema or file checks is left out and
    noted there as (file index, annotation index, error) instead of failing the whole write.
    The annotations are validated as they stream into the database (on PostgreSQL one COPY, which the
    database works through while the rest is still being checked); an invalid one aborts the write,
    and the request's transaction rolls back what was sent. What needs a query (files, schemas,
    client-chosen ids) is settled before the stream starts.

    ``before_shared`` is called once the new rows are in and before the rows other writers share (label
    counts) are touched: an import's parallel writers wait there for their turn to finish, in order.
    """
    total = sum(len(f.annotations) for f in data.files)
    if total > max_annotations:
        raise ValidationFailed(f"{total} annotations in one request; the limit is {max_annotations}",
                               field="body.files")
    files = repo.file_shapes(session, access.project.id, (f.file_id for f in data.files))
    specs = _Specs(session, access.project.id)
    _settle_before_stream(session, data, files, specs)
    now, user_id = utcnow(), access.user.id
    olds = _replace(session, data, [f.file_id for f in data.files], user_id, now) if data.mode == "replace" else []
    heads: list[dict[str, Any]] = []
    ids: dict[int, list[uuid.UUID]] = {f.file_id: [] for f in data.files}
    extra = {"project_id": access.project.id, "version": 1, "deleted": False, "created_by_id": user_id,
             "updated_by_id": user_id, "created_at": now, "updated_at": now}

    def validated() -> Iterator[dict[str, Any]]:
        for i, item in enumerate(data.files):
            file, file_ids = files[item.file_id], ids[item.file_id]
            for j, ann in enumerate(item.annotations):
                where = f"body.files.{i}.annotations.{j}"
                try:
                    head = _content(ann, specs.get(ann.schema_id or data.schema_id, where), file, where)
                except ValidationFailed as exc:
                    if rejected is None:
                        raise
                    rejected.append((i, j, exc))
                    continue
                aid = ann.id or uuid7()
                file_ids.append(aid)
                head["id"] = aid
                head.update(extra)
                heads.append(head)
                yield head

    repo.insert_new(session, validated(), expected=total)
    if before_shared is not None:
        before_shared()
    # one upsert for removed and added: count rows are locked in key order, so concurrent writers cannot deadlock
    label_counts.apply(session, added=heads, removed=olds)
    record(session, "annotations.bulk_written", project_id=access.project.id, actor_id=user_id,
           payload={"file_ids": list(ids), "created": len(heads), "replaced": len(olds), "mode": data.mode})
    return BulkResult(files=len(ids), created=len(heads), replaced=len(olds), annotation_ids=ids)


def _settle_before_stream(session: Session, data: BulkWrite, files: dict[int, FileShape], specs: _Specs) -> None:
    """Check what needs the database before any row streams: the files, each schema (loaded once; an
    unknown one is reported at the first annotation naming it) and client-chosen ids (unique, unused)."""
    first_use: dict[int | None, str] = {}
    chosen: dict[uuid.UUID, str] = {}  # client-chosen ids -> where they were given
    for i, item in enumerate(data.files):
        if item.file_id not in files:
            raise ValidationFailed(f"no file {item.file_id} in this project", field=f"body.files.{i}.file_id")
        for j, ann in enumerate(item.annotations):
            schema_id = ann.schema_id or data.schema_id
            if schema_id not in first_use:
                first_use[schema_id] = f"body.files.{i}.annotations.{j}"
            if ann.id is not None:
                where = f"body.files.{i}.annotations.{j}.id"
                if ann.id in chosen:
                    raise ValidationFailed(f"annotation id {ann.id} is given twice", field=where)
                chosen[ann.id] = where
    for schema_id, where in first_use.items():
        specs.preload(schema_id, where)
    if data.schema_revision is not None:
        _check_revision(specs, data.schema_id, data.schema_revision)
    taken = repo.existing_ids(session, chosen) if chosen else set()
    if taken:
        first = next(a for a in chosen if a in taken)
        raise ValidationFailed("an annotation with this id already exists", field=chosen[first])


def _check_revision(specs: _Specs, schema_id: int | None, revision: int) -> None:
    """The write was made against this revision of the schema: refuse it if the schema has moved on since."""
    if schema_id is None:
        raise ValidationFailed("schema_revision needs schema_id", field="body.schema_revision")
    current = specs.get(schema_id, "body").schema.revision
    if current != revision:
        raise StaleVersion(f"schema {schema_id} is at revision {current}, not {revision}",
                           field="body.schema_revision", detail={"current_revision": current})


def _replace(session: Session, data: BulkWrite, file_ids: list[int], user_id: int,
             at: datetime) -> Sequence[Any]:
    """Tombstone the live annotations a replace-mode write removes; returns them (id, file, label, source)."""
    sources = {a.source for f in data.files for a in f.annotations}
    models = {a.model_name for f in data.files for a in f.annotations}
    source = next(iter(sources)) if len(sources) == 1 else None
    if data.replace_scope == "source" and source is None:
        raise ValidationFailed("replace_scope 'source' needs annotations of one source", field="body.replace_scope")
    return repo.tombstone_for_replace(session, file_ids, data.replace_scope, source, models, user_id, at)


def versions_page(session: Session, access: ProjectAccess, annotation_id: uuid.UUID, after: int | None,
                  limit: int) -> list[AnnotationVersion]:
    """An annotation's history, oldest first."""
    head = repo.head(session, access.project.id, annotation_id)
    if head is None:
        raise NotFound("annotation not found")
    _visible_file(session, access, head.file_id, write=False)
    return repo.versions_of(session, annotation_id, after, limit)
