"""HTTP: datasets and the files in them."""

from __future__ import annotations

from fastapi import APIRouter, status

from backend.core.deps import SessionDep
from backend.core.pagination import Page, PageDep, make_page
from backend.datasets import repository, service
from backend.datasets.models import Dataset
from backend.datasets.schemas import (
    DatasetCreate,
    DatasetFilesChange,
    DatasetFilesResult,
    DatasetRead,
    DatasetUpdate,
)
from backend.files.schemas import FileRead
from backend.files.service import visible_files_filter
from backend.projects.deps import Editor, Reader

router = APIRouter(tags=["datasets"])
_BASE = "/projects/{project_id}/datasets"


def _read(dataset: Dataset, count: int) -> DatasetRead:
    return DatasetRead(id=dataset.id, project_id=dataset.project_id, name=dataset.name,
                       description=dataset.description, file_count=count, created_at=dataset.created_at,
                       updated_at=dataset.updated_at)


@router.post(_BASE, response_model=DatasetRead, status_code=status.HTTP_201_CREATED,
             summary="Create a dataset")
def create_dataset(body: DatasetCreate, access: Editor, session: SessionDep) -> DatasetRead:
    return _read(service.create_dataset(session, access, body), 0)


@router.get(_BASE, response_model=Page[DatasetRead], summary="Datasets of the project")
def list_datasets(access: Reader, session: SessionDep, page: PageDep) -> Page[DatasetRead]:
    rows = repository.list_with_counts(session, access.project.id, page.after, page.limit + 1)
    return make_page(rows, page, lambda r: _read(r[0], r[1]), lambda r: r[0].id)


@router.get(_BASE + "/{dataset_id}", response_model=DatasetRead, summary="One dataset")
def get_dataset(dataset_id: int, access: Reader, session: SessionDep) -> DatasetRead:
    dataset = service.get_dataset(session, access, dataset_id)
    return _read(dataset, repository.file_count(session, dataset.id))


@router.patch(_BASE + "/{dataset_id}", response_model=DatasetRead, summary="Rename or describe a dataset")
def update_dataset(dataset_id: int, body: DatasetUpdate, access: Editor, session: SessionDep) -> DatasetRead:
    dataset = service.update_dataset(session, access, dataset_id, body)
    return _read(dataset, repository.file_count(session, dataset.id))


@router.delete(_BASE + "/{dataset_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Delete a dataset (its files stay in the project)")
def delete_dataset(dataset_id: int, access: Editor, session: SessionDep) -> None:
    service.delete_dataset(session, access, dataset_id)


@router.get(_BASE + "/{dataset_id}/files", response_model=Page[FileRead], summary="Files in a dataset")
def list_dataset_files(dataset_id: int, access: Reader, session: SessionDep, page: PageDep) -> Page[FileRead]:
    dataset = service.get_dataset(session, access, dataset_id)
    rows = repository.files_in(session, dataset.id, visible_files_filter(access), page.after, page.limit + 1)
    return make_page(rows, page, FileRead.of, lambda f: f.id)


@router.post(_BASE + "/{dataset_id}/files", response_model=DatasetFilesResult,
             summary="Add files to a dataset (idempotent)")
def add_files(dataset_id: int, body: DatasetFilesChange, access: Editor, session: SessionDep) -> DatasetFilesResult:
    added = service.add_files(session, access, dataset_id, body.file_ids)
    return DatasetFilesResult(dataset_id=dataset_id, changed_file_ids=added,
                              file_count=repository.file_count(session, dataset_id))


@router.delete(_BASE + "/{dataset_id}/files", response_model=DatasetFilesResult,
               summary="Remove files from a dataset")
def remove_files(dataset_id: int, body: DatasetFilesChange, access: Editor,
                 session: SessionDep) -> DatasetFilesResult:
    removed = service.remove_files(session, access, dataset_id, body.file_ids)
    return DatasetFilesResult(dataset_id=dataset_id, changed_file_ids=removed,
                              file_count=repository.file_count(session, dataset_id))
