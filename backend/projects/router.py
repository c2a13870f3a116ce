"""HTTP: projects and their members."""

from __future__ import annotations

from fastapi import APIRouter, status

from backend.auth.deps import CurrentUser
from backend.core.deps import SessionDep
from backend.core.pagination import Page, PageDep, make_page
from backend.projects import repository, service
from backend.projects.deps import Admin, AnyMember
from backend.projects.models import Member, Project, Role
from backend.projects.schemas import (
    MemberCreate,
    MemberRead,
    MemberUpdate,
    ProjectCreate,
    ProjectRead,
    ProjectUpdate,
)

router = APIRouter(tags=["projects"])


def _member_read(member: Member, email: str, name: str) -> MemberRead:
    return MemberRead(id=member.id, user_id=member.user_id, email=email, name=name, role=member.role,
                      created_at=member.created_at)


@router.post("/projects", response_model=ProjectRead, status_code=status.HTTP_201_CREATED,
             summary="Create a project (the caller becomes its admin)")
def create_project(body: ProjectCreate, user: CurrentUser, session: SessionDep) -> ProjectRead:
    project = service.create_project(session, user, body)
    return ProjectRead.model_validate(project).model_copy(update={"role": Role.admin})


@router.get("/projects", response_model=Page[ProjectRead], summary="Projects the caller is a member of")
def list_projects(user: CurrentUser, session: SessionDep, page: PageDep) -> Page[ProjectRead]:
    everyone = user.is_superuser or user.kind == "service"
    rows = repository.projects_for(session, None if everyone else user.id, page.after, page.limit + 1)
    default_role = Role.admin if user.is_superuser else Role.editor

    def convert(row: tuple[Project, Role | None]) -> ProjectRead:
        project, role = row
        return ProjectRead.model_validate(project).model_copy(update={"role": role or default_role})

    return make_page(rows, page, convert, lambda r: r[0].id)


@router.get("/projects/{project_id}", response_model=ProjectRead, summary="One project")
def get_project(access: AnyMember) -> ProjectRead:
    return ProjectRead.model_validate(access.project).model_copy(update={"role": access.role})


@router.patch("/projects/{project_id}", response_model=ProjectRead, summary="Rename or describe a project")
def update_project(body: ProjectUpdate, access: Admin, session: SessionDep) -> ProjectRead:
    project = service.update_project(session, access.project, access.user, body)
    return ProjectRead.model_validate(project).model_copy(update={"role": access.role})


@router.delete("/projects/{project_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Delete a project and everything in it")
def delete_project(access: Admin, session: SessionDep) -> None:
    service.delete_project(session, access.project)


@router.get("/projects/{project_id}/members", response_model=Page[MemberRead], summary="Members")
def list_members(access: AnyMember, session: SessionDep, page: PageDep) -> Page[MemberRead]:
    rows = repository.members_of(session, access.project.id, page.after, page.limit + 1)
    return make_page(rows, page, lambda r: _member_read(r[0], r[1].email, r[1].name), lambda r: r[0].id)


@router.post("/projects/{project_id}/members", response_model=MemberRead,
             status_code=status.HTTP_201_CREATED, summary="Add a member by email")
def add_member(body: MemberCreate, access: Admin, session: SessionDep) -> MemberRead:
    member, user = service.add_member(session, access.project, access.user, body)
    return _member_read(member, user.email, user.name)


@router.patch("/projects/{project_id}/members/{member_id}", response_model=MemberRead,
              summary="Change a member's role")
def update_member(member_id: int, body: MemberUpdate, access: Admin, session: SessionDep) -> MemberRead:
    member, user = service.update_member(session, access.project, access.user, member_id, body)
    return _member_read(member, user.email, user.name)


@router.delete("/projects/{project_id}/members/{member_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Remove a member")
def remove_member(member_id: int, access: Admin, session: SessionDep) -> None:
    service.remove_member(session, access.project, access.user, member_id)
