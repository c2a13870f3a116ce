"""Rules for datasets: unique names per project, membership of the project's own undeleted files."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from backend.datasets import repository
from backend.datasets.models import Dataset
from backend.datasets.schemas import DatasetCreate, DatasetUpdate
from backend.events.service import record
from backend.files import repository as files_repo
from backend.projects.deps import ProjectAccess


def get_dataset(session: Session, access: ProjectAccess, dataset_id: int,
                field: str = "path.dataset_id", missing: type[NotFound | ValidationFailed] = NotFound) -> Dataset:
    """The project's dataset, else ``missing`` (404 by default) naming ``field``."""
    dataset = repository.get(session, access.project.id, dataset_id)
    if dataset is None:
        raise missing("dataset not found in this project", field=field)
    return dataset


def _flush_unique(session: Session) -> None:
    # The name check above covers the common case; this covers two requests racing for one name.
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise Conflict("a dataset with this name already exists", field="body.name") from exc


def create_dataset(session: Session, access: ProjectAccess, data: DatasetCreate) -> Dataset:
    """A new, empty dataset; records ``dataset.created``."""
    if repository.name_taken(session, access.project.id, data.name):
        raise Conflict("a dataset with this name already exists", field="body.name")
    dataset = Dataset(project_id=access.project.id, name=data.name, description=data.description)
    session.add(dataset)
    _flush_unique(session)
    record(session, "dataset.created", project_id=access.project.id, actor_id=access.user.id,
           payload={"dataset_id": dataset.id, "name": dataset.name})
    return dataset


def update_dataset(session: Session, access: ProjectAccess, dataset_id: int, data: DatasetUpdate) -> Dataset:
    """Rename or describe a dataset; records ``dataset.updated``."""
    dataset = get_dataset(session, access, dataset_id)
    if data.name is not None and repository.name_taken(session, access.project.id, data.name, dataset.id):
        raise Conflict("a dataset with this name already exists", field="body.name")
    changed = sorted(k for k, v in data.model_dump(exclude_unset=True).items() if v is not None)
    if data.name is not None:
        dataset.name = data.name
    if data.description is not None:
        dataset.description = data.description
    _flush_unique(session)
    record(session, "dataset.updated", project_id=access.project.id, actor_id=access.user.id,
           payload={"dataset_id": dataset.id, "changed": changed})
    return dataset


def delete_dataset(session: Session, access: ProjectAccess, dataset_id: int) -> None:
    """Delete a dataset (its files stay in the project); records ``dataset.deleted``."""
    dataset = get_dataset(session, access, dataset_id)
    session.delete(dataset)
    session.flush()
    record(session, "dataset.deleted", project_id=access.project.id, actor_id=access.user.id,
           payload={"dataset_id": dataset_id, "name": dataset.name})


def _check_files(session: Session, access: ProjectAccess, file_ids: list[int]) -> None:
    live = files_repo.live_ids(session, access.project.id, file_ids)
    bad = [FieldError(field=f"body.file_ids.{i}", message=f"no file {fid} in this project")
           for i, fid in enumerate(file_ids) if fid not in live]
    if bad:
        raise ValidationFailed(f"{len(bad)} file id(s) are not files of this project: {bad[0].message}",
                               fields=bad)


def add_files(session: Session, access: ProjectAccess, dataset_id: int, file_ids: list[int]) -> list[int]:
    """Add files (idempotent); every id must be an undeleted file of the project. Returns the new ones."""
    dataset = get_dataset(session, access, dataset_id)
    _check_files(session, access, file_ids)
    return add_checked_files(session, access, dataset, file_ids)


def add_checked_files(session: Session, access: ProjectAccess, dataset: Dataset, file_ids: list[int]) -> list[int]:
    """Add files already known to be the project's; records ``dataset.files_added`` if any were new."""
    present = repository.member_ids(session, dataset.id, file_ids)
    new = sorted(set(file_ids) - present)
    repository.add_members(session, dataset.id, new)
    if new:
        record(session, "dataset.files_added", project_id=access.project.id, actor_id=access.user.id,
               payload={"dataset_id": dataset.id, "file_ids": new, "count": len(new)})
    return new


def remove_files(session: Session, access: ProjectAccess, dataset_id: int, file_ids: list[int]) -> list[int]:
    """Remove files from a dataset (ids not in it are ignored); records ``dataset.files_removed``."""
    dataset = get_dataset(session, access, dataset_id)
    _check_files(session, access, file_ids)
    gone = sorted(repository.member_ids(session, dataset.id, file_ids))
    repository.remove_members(session, dataset.id, gone)
    if gone:
        record(session, "dataset.files_removed", project_id=access.project.id, actor_id=access.user.id,
               payload={"dataset_id": dataset.id, "file_ids": gone, "count": len(gone)})
    return gone
