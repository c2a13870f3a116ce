"""HTTP: annotations of files, their history, diffs, "as of" reads, and the bulk write path."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from backend.annotations import repository as repo
from backend.annotations import service
from backend.annotations.schemas import (
    AnnotationDiff,
    AnnotationIn,
    AnnotationRead,
    AnnotationUpdate,
    AnnotationVersionRead,
    BulkResult,
    BulkWrite,
)
from backend.core.deps import SessionDep
from backend.core.errors import ValidationFailed
from backend.core.pagination import Page, PageParams, make_page, page_params_dep
from backend.projects.deps import Annotator, AnyMember, Editor

router = APIRouter(tags=["annotations"])

MAX_BULK_ANNOTATIONS = 10_000


# A file may hold thousands of annotations (an image with 2,000 boxes): allow long pages here.
BigPage = Annotated[PageParams, Depends(page_params_dep(max_limit=10_000, default_limit=1000))]


def _aware(value: datetime | None, field: str) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValidationFailed("needs a time zone, e.g. 2026-11-21T10:00:00Z", field=field)
    return value


@router.get("/projects/{project_id}/files/{file_id}/annotations",
            response_model=Page[AnnotationVersionRead] | Page[AnnotationRead],
            summary="A file's annotations, now or as of a moment in the past")
def list_file_annotations(
    file_id: int, access: AnyMember, session: SessionDep, page: BigPage,
    as_of: Annotated[datetime | None, Query(description="read the annotations as they stood then")] = None,
    schema_id: Annotated[int | None, Query()] = None,
) -> Page[AnnotationVersionRead] | Page[AnnotationRead]:
    """Current annotations by default; with ``as_of``, each annotation's version at that time."""
    service.check_file_visible(session, access, file_id)
    if _aware(as_of, "query.as_of") is not None:
        assert as_of is not None
        old = repo.as_of_file(session, file_id, as_of, schema_id, page.after, page.limit + 1)
        return make_page(old, page, AnnotationVersionRead.model_validate, lambda v: str(v.annotation_id))
    rows = repo.live_of_file(session, file_id, schema_id, page.after, page.limit + 1)
    return make_page(rows, page, AnnotationRead.model_validate, lambda a: str(a.id))


@router.post("/projects/{project_id}/files/{file_id}/annotations", response_model=AnnotationRead,
             status_code=status.HTTP_201_CREATED, summary="Add an annotation to a file")
def create_annotation(file_id: int, body: AnnotationIn, access: Annotator, session: SessionDep) -> AnnotationRead:
    return AnnotationRead.model_validate(service.create(session, access, file_id, body))


@router.get("/projects/{project_id}/files/{file_id}/history", response_model=Page[AnnotationVersionRead],
            summary="Every version of every annotation on a file, oldest first")
def file_history(file_id: int, access: AnyMember, session: SessionDep, page: BigPage) -> Page[AnnotationVersionRead]:
    service.check_file_visible(session, access, file_id)
    after = (str(page.after[0]), str(page.after[1]), int(page.after[2])) if page.after else None
    rows = repo.history_of_file(session, file_id, after, page.limit + 1)
    return make_page(rows, page, AnnotationVersionRead.model_validate,
                     lambda v: [v.created_at.isoformat(), str(v.annotation_id), v.version])


@router.get("/projects/{project_id}/annotations/{annotation_id}", response_model=AnnotationRead,
            summary="One annotation's current state")
def get_annotation(annotation_id: uuid.UUID, access: AnyMember, session: SessionDep) -> AnnotationRead:
    return AnnotationRead.model_validate(service.get(session, access, annotation_id))


@router.patch("/projects/{project_id}/annotations/{annotation_id}", response_model=AnnotationRead,
              summary="Change an annotation (makes a new version; a stale version gets 409)")
def update_annotation(annotation_id: uuid.UUID, body: AnnotationUpdate, access: Annotator,
                      session: SessionDep) -> AnnotationRead:
    return AnnotationRead.model_validate(service.update(session, access, annotation_id, body))


@router.delete("/projects/{project_id}/annotations/{annotation_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Delete an annotation (a tombstone version; history is kept)")
def delete_annotation(annotation_id: uuid.UUID, access: Annotator, session: SessionDep,
                      version: Annotated[int, Query(ge=1, description="the version being deleted")]) -> None:
    service.delete(session, access, annotation_id, version)


@router.get("/projects/{project_id}/annotations/{annotation_id}/versions",
            response_model=Page[AnnotationVersionRead], summary="An annotation's history")
def list_versions(annotation_id: uuid.UUID, access: AnyMember, session: SessionDep,
                  page: BigPage) -> Page[AnnotationVersionRead]:
    rows = service.versions_page(session, access, annotation_id, page.after, page.limit + 1)
    return make_page(rows, page, AnnotationVersionRead.model_validate, lambda v: v.version)


@router.get("/projects/{project_id}/annotations/{annotation_id}/diff", response_model=AnnotationDiff,
            summary="What changed between two versions (e.g. a pre-label and its QA correction)")
def diff_versions(annotation_id: uuid.UUID, access: AnyMember, session: SessionDep,
                  from_: Annotated[int, Query(alias="from", ge=1)],
                  to: Annotated[int, Query(ge=1)]) -> AnnotationDiff:
    return service.diff(session, access, annotation_id, from_, to)


@router.post("/projects/{project_id}/annotations/bulk", response_model=BulkResult,
             summary="Write or replace the annotations of many files in one request (up to 10,000)")
def bulk_write(body: BulkWrite, access: Editor, session: SessionDep) -> BulkResult:
    return service.bulk_write(session, access, body, MAX_BULK_ANNOTATIONS)

