"""SQL for projects and members."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.auth.models import User
from backend.projects.models import Member, Project, Role


def membership(session: Session, project_id: int, user_id: int) -> Member | None:
    return session.scalar(select(Member).where(Member.project_id == project_id, Member.user_id == user_id))


def project_and_role(session: Session, project_id: int, user_id: int) -> tuple[Project, Role | None] | None:
    """A project and the user's membership role in it (None: not a member), in one query; None if no project."""
    row = session.execute(select(Project, Member.role)
                          .outerjoin(Member, (Member.project_id == Project.id) & (Member.user_id == user_id))
                          .where(Project.id == project_id)).first()
    return (row[0], row[1]) if row is not None else None


def projects_for(session: Session, user_id: int | None, after: int | None,
                 limit: int) -> list[tuple[Project, Role | None]]:
    """Projects visible to a user (``user_id=None``: every project) with the user's role."""
    stmt = (select(Project, Member.role)
            .outerjoin(Member, (Member.project_id == Project.id) & (Member.user_id == user_id))
            .order_by(Project.id).limit(limit))
    if user_id is not None:
        stmt = stmt.where(Member.id.is_not(None))
    if after is not None:
        stmt = stmt.where(Project.id > after)
    return [(p, r) for p, r in session.execute(stmt)]


def slug_taken(session: Session, slug: str) -> bool:
    return session.scalar(select(func.count()).select_from(Project).where(Project.slug == slug)) != 0


def members_of(session: Session, project_id: int, after: int | None,
               limit: int) -> list[tuple[Member, User]]:
    stmt = (select(Member, User).join(User, User.id == Member.user_id)
            .where(Member.project_id == project_id).order_by(Member.id).limit(limit))
    if after is not None:
        stmt = stmt.where(Member.id > after)
    return [(m, u) for m, u in session.execute(stmt)]


def admin_count(session: Session, project_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Member)
                          .where(Member.project_id == project_id, Member.role == Role.admin)) or 0
