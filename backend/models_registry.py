"""Imports every domain's models so ``Base.metadata`` is complete (Alembic, tests)."""

from backend.annotations.models import Annotation, AnnotationVersion
from backend.auth.models import ApiToken, BrowserSession, User
from backend.core.models import Base
from backend.datasets.models import Dataset, DatasetFile
from backend.events.models import Event
from backend.exports.models import ExportJob, ExportJobFile
from backend.files.models import File
from backend.imports.models import ImportJob, ImportRejection
from backend.label_schemas.models import AttributeGroup, Label, LabelSchema
from backend.projects.models import Member, Project
from backend.query.models import FileLabelCount
from backend.storage_connections.models import StorageConnection
from backend.streaming.models import DatasetSnapshot, SnapshotFile
from backend.tasks.models import Task
from backend.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookFanoutCursor, WebhookSubscription
from backend.workflows.models import (
    BlockCatalogueEntry,
    Workflow,
    WorkflowArtifact,
    WorkflowRun,
    WorkflowStep,
    WorkflowVersion,
)

__all__ = [
    "Annotation",
    "AnnotationVersion",
    "ApiToken",
    "AttributeGroup",
    "Base",
    "BlockCatalogueEntry",
    "BrowserSession",
    "Dataset",
    "DatasetFile",
    "DatasetSnapshot",
    "Event",
    "ExportJob",
    "ExportJobFile",
    "File",
    "FileLabelCount",
    "ImportJob",
    "ImportRejection",
    "Label",
    "LabelSchema",
    "Member",
    "Project",
    "SnapshotFile",
    "StorageConnection",
    "Task",
    "User",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookFanoutCursor",
    "WebhookSubscription",
    "Workflow",
    "WorkflowArtifact",
    "WorkflowRun",
    "WorkflowStep",
    "WorkflowVersion",
]
