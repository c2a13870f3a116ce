"""Projects and membership rules."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from backend.auth import repository as users
from backend.auth.models import User, UserKind
from backend.core.errors import Conflict, NotFound, ValidationFailed
from backend.events.service import record
from backend.projects import repository
from backend.projects.models import Member, Project, Role
from backend.projects.schemas import MemberCreate, MemberUpdate, ProjectCreate, ProjectUpdate


def _slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:90]
    return slug or "project"


def create_project(session: Session, user: User, data: ProjectCreate) -> Project:
    """A new project; its creator becomes its first admin."""
    if data.slug is not None:
        if repository.slug_taken(session, data.slug):
            raise Conflict("a project with this slug already exists", field="body.slug")
        slug = data.slug
    else:
        base = slug = _slugify(data.name)
        n = 1
        while repository.slug_taken(session, slug):
            n += 1
            slug = f"{base}-{n}"
    project = Project(name=data.name, slug=slug, description=data.description, created_by_id=user.id)
    session.add(project)
    session.flush()
    if user.kind == UserKind.human:
        session.add(Member(project_id=project.id, user_id=user.id, role=Role.admin))
    record(session, "project.created", project_id=project.id, actor_id=user.id,
           payload={"project_id": project.id, "name": project.name, "slug": project.slug})
    session.flush()
    return project


def update_project(session: Session, project: Project, actor: User, data: ProjectUpdate) -> Project:
    changed = data.model_dump(exclude_unset=True)
    for key, value in changed.items():
        setattr(project, key, value)
    record(session, "project.updated", project_id=project.id, actor_id=actor.id,
           payload={"project_id": project.id, "changed": sorted(changed)})
    session.flush()
    return project


def delete_project(session: Session, project: Project) -> None:
    session.delete(project)
    session.flush()


def add_member(session: Session, project: Project, actor: User, data: MemberCreate) -> tuple[Member, User]:
    user = users.user_by_email(session, data.email)
    if user is None or user.kind != UserKind.human:
        raise NotFound("no user with this email", field="body.email")
    if repository.membership(session, project.id, user.id) is not None:
        raise Conflict("already a member of this project", field="body.email")
    member = Member(project_id=project.id, user_id=user.id, role=data.role)
    session.add(member)
    session.flush()
    record(session, "member.added", project_id=project.id, actor_id=actor.id,
           payload={"user_id": user.id, "role": data.role.value})
    return member, user


def _member(session: Session, project: Project, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None or member.project_id != project.id:
        raise NotFound("member not found")
    return member


def _keep_an_admin(session: Session, project: Project, member: Member) -> None:
    if member.role == Role.admin and repository.admin_count(session, project.id) <= 1:
        raise ValidationFailed("a project needs at least one admin", field="body.role")


def update_member(session: Session, project: Project, actor: User, member_id: int,
                  data: MemberUpdate) -> tuple[Member, User]:
    member = _member(session, project, member_id)
    if data.role != Role.admin:
        _keep_an_admin(session, project, member)
    member.role = data.role
    session.flush()
    record(session, "member.updated", project_id=project.id, actor_id=actor.id,
           payload={"user_id": member.user_id, "role": data.role.value})
    user = session.get(User, member.user_id)
    assert user is not None
    return member, user


def remove_member(session: Session, project: Project, actor: User, member_id: int) -> None:
    member = _member(session, project, member_id)
    _keep_an_admin(session, project, member)
    session.delete(member)
    record(session, "member.removed", project_id=project.id, actor_id=actor.id,
           payload={"user_id": member.user_id})
    session.flush()
