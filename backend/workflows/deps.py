"""Who may touch workflows: project roles (annotators are shown none of it) and the workflow service's account.

Read: admins, editors, viewers. Manual runs and cancel: editors and admins. Definitions: admins.
An annotator gets 404 like a non-member (workflows are not part of their work); a member whose role
is too weak gets 403. The ``/service`` endpoints and ``PUT /blocks`` are for service accounts only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends

from backend.auth.deps import CurrentUser
from backend.auth.models import User, UserKind
from backend.core.errors import Forbidden, NotFound
from backend.projects.deps import ADMINS, ALL_ROLES, EDITORS, READERS, ProjectAccess, project_access
from backend.projects.models import Role

_member = project_access(ALL_ROLES)


def workflow_access(allowed: frozenset[Role]) -> Callable[..., ProjectAccess]:
    """A dependency requiring one of the ``allowed`` roles in ``{project_id}``; annotators get 404."""

    def dependency(access: Annotated[ProjectAccess, Depends(_member)]) -> ProjectAccess:
        if access.role == Role.annotator:
            raise NotFound("not found")
        if access.role not in allowed:
            raise Forbidden(f"your role ({access.role.value}) may not do this; needs one of "
                            + ", ".join(sorted(r.value for r in allowed)))
        return access

    return dependency


def service_account(user: CurrentUser) -> User:
    """The caller, who must be a service account (the workflow service), not a person."""
    if user.kind != UserKind.service:
        raise Forbidden("this endpoint is for service accounts (the workflow service) only")
    return user


WorkflowReader = Annotated[ProjectAccess, Depends(workflow_access(READERS))]
WorkflowEditor = Annotated[ProjectAccess, Depends(workflow_access(EDITORS))]
WorkflowAdmin = Annotated[ProjectAccess, Depends(workflow_access(ADMINS))]
ServiceAccount = Annotated[User, Depends(service_account)]
