"""HTTP: label schemas (read by every member, written by admins)."""

from __future__ import annotations

from fastapi import APIRouter, status

from backend.core.deps import SessionDep
from backend.core.pagination import Page, PageDep, make_page
from backend.label_schemas import repository, service
from backend.label_schemas.schemas import SchemaCreate, SchemaRead, SchemaUpdate
from backend.projects.deps import Admin, AnyMember

router = APIRouter(tags=["label-schemas"])


@router.post("/projects/{project_id}/schemas", response_model=SchemaRead, status_code=status.HTTP_201_CREATED,
             summary="Create a label schema (labels and attribute groups)")
def create_schema(body: SchemaCreate, access: Admin, session: SessionDep) -> SchemaRead:
    schema = service.create_schema(session, access.project, access.user, body)
    return service.read_many(session, [schema])[0]


@router.get("/projects/{project_id}/schemas", response_model=Page[SchemaRead], summary="Label schemas")
def list_schemas(access: AnyMember, session: SessionDep, page: PageDep) -> Page[SchemaRead]:
    rows = repository.schemas_of(session, access.project.id, page.after, page.limit + 1)
    reads = {r.id: r for r in service.read_many(session, rows)}
    return make_page(rows, page, lambda s: reads[s.id], lambda s: s.id)


@router.get("/projects/{project_id}/schemas/{schema_id}", response_model=SchemaRead, summary="One schema")
def get_schema(schema_id: int, access: AnyMember, session: SessionDep) -> SchemaRead:
    return service.read_many(session, [service.get_schema(session, access.project, schema_id)])[0]


@router.put("/projects/{project_id}/schemas/{schema_id}", response_model=SchemaRead,
            summary="Replace a schema document (carry the revision you edited)")
def update_schema(schema_id: int, body: SchemaUpdate, access: Admin, session: SessionDep) -> SchemaRead:
    schema = service.get_schema(session, access.project, schema_id)
    schema = service.update_schema(session, access.project, access.user, schema, body)
    return service.read_many(session, [schema])[0]


@router.delete("/projects/{project_id}/schemas/{schema_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Delete an unused schema")
def delete_schema(schema_id: int, access: Admin, session: SessionDep) -> None:
    schema = service.get_schema(session, access.project, schema_id)
    service.delete_schema(session, access.project, access.user, schema)
