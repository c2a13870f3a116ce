"""Project access: membership and role checks shared by every project-scoped router.

A caller who is not a member gets 404 for the project and everything in it (the project's
existence is not revealed); a member whose role is too weak gets 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import BackgroundTasks, Depends, Path, Request
from sqlalchemy.orm import Session

from backend.auth.deps import BearerDep, SessionCookieDep, authenticate
from backend.auth.models import User, UserKind
from backend.core.deps import SessionDep, SettingsDep
from backend.core.errors import Forbidden, NotFound
from backend.projects import repository
from backend.projects.models import Project, Role


@dataclass(frozen=True)
class ProjectAccess:
    """The project a request is about, the caller, and the caller's effective role."""

    project: Project
    user: User
    role: Role

    @property
    def sees_all_files(self) -> bool:
        """Annotators see only the files of their own tasks; every other role sees all."""
        return self.role != Role.annotator


def effective_role(session: Session, project_id: int, user: User) -> Role | None:
    """Superusers are admins everywhere, service accounts editors everywhere; others by membership."""
    privileged = _role(user, None)
    if privileged is not None:
        return privileged
    member = repository.membership(session, project_id, user.id)
    return member.role if member else None


def _role(user: User, member_role: Role | None) -> Role | None:
    """``effective_role`` with the membership already read (``member_role``)."""
    if user.is_superuser:
        return Role.admin
    if user.kind == UserKind.service:
        return Role.editor
    return member_role


ALL_ROLES = frozenset(Role)
READERS = frozenset({Role.admin, Role.editor, Role.viewer})
ANNOTATORS = frozenset({Role.admin, Role.editor, Role.annotator})
EDITORS = frozenset({Role.admin, Role.editor})
ADMINS = frozenset({Role.admin})


def project_access(allowed: frozenset[Role]) -> Callable[..., ProjectAccess]:
    """A dependency that resolves ``{project_id}`` and requires one of the ``allowed`` roles."""

    # Authenticates in the same call rather than through ``CurrentUser``: FastAPI runs each plain-function
    # dependency on a worker thread of its own, and every hop costs CPU and, on a busy machine, waiting.
    def dependency(project_id: Annotated[int, Path(ge=1)], request: Request, session: SessionDep,
                   settings: SettingsDep, background: BackgroundTasks, bearer: BearerDep,
                   cookie: SessionCookieDep) -> ProjectAccess:
        user = authenticate(request, session, settings, background, bearer, cookie)
        found = repository.project_and_role(session, project_id, user.id)  # one query, not two per request
        project, member_role = found if found is not None else (None, None)
        role = _role(user, member_role)
        if project is None or role is None:
            raise NotFound("project not found")
        if role not in allowed:
            raise Forbidden(f"your role ({role.value}) may not do this; needs one of "
                            + ", ".join(sorted(r.value for r in allowed)))
        return ProjectAccess(project=project, user=user, role=role)

    return dependency


AnyMember = Annotated[ProjectAccess, Depends(project_access(ALL_ROLES))]
Reader = Annotated[ProjectAccess, Depends(project_access(READERS))]
Annotator = Annotated[ProjectAccess, Depends(project_access(ANNOTATORS))]
Editor = Annotated[ProjectAccess, Depends(project_access(EDITORS))]
Admin = Annotated[ProjectAccess, Depends(project_access(ADMINS))]
