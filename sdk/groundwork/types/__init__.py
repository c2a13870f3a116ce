"""The typed models the API returns (pydantic; unknown fields are kept in ``model_extra``)."""

from groundwork.types._annotations import (
    Annotation,
    AnnotationDiff,
    AnnotationVersion,
    BulkResult,
    Task,
    TaskCreateResult,
    TaskProgress,
    TaskSkipped,
)
from groundwork.types._base import APIModel
from groundwork.types._core import (
    Attribute,
    Dataset,
    DatasetFilesResult,
    File,
    Label,
    LabelSchema,
    Member,
    Project,
    Role,
    UploadItem,
    UploadResult,
)
from groundwork.types._exports import Export, ExportFormat, ExportProgress
from groundwork.types._streaming import Snapshot, SnapshotEntries, SnapshotEntry, SnapshotLabel
from groundwork.types._workflows import (
    TERMINAL_RUN_STATUSES,
    RunSummary,
    Workflow,
    WorkflowDetail,
    WorkflowRun,
    WorkflowRunDetail,
    WorkflowStats,
    WorkflowStep,
    WorkflowValidation,
    WorkflowVersion,
)

__all__ = [
    "TERMINAL_RUN_STATUSES", "APIModel", "Annotation", "AnnotationDiff", "AnnotationVersion", "Attribute",
    "BulkResult", "Dataset", "DatasetFilesResult",
    "Export", "ExportFormat", "ExportProgress", "File", "Label", "LabelSchema", "Member", "Project", "Role",
    "RunSummary", "Snapshot", "SnapshotEntries", "SnapshotEntry", "SnapshotLabel", "Task", "TaskCreateResult",
    "TaskProgress", "TaskSkipped", "UploadItem", "UploadResult", "Workflow", "WorkflowDetail", "WorkflowRun",
    "WorkflowRunDetail", "WorkflowStats", "WorkflowStep", "WorkflowValidation", "WorkflowVersion",
]
