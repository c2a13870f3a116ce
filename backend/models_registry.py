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

__all__ = [
    "Annotation", "AnnotationVersion", "ApiToken", "AttributeGroup", "Base", "BrowserSession", "Dataset",
    "DatasetFile", "Event", "File", "FileLabelCount", "Label", "LabelSchema", "Member", "Project",
    "StorageConnection", "Task", "User",
    "DatasetSnapshot", "SnapshotFile",
    "ExportJob", "ExportJobFile", "ImportJob", "ImportRejection",
    "WebhookAttempt", "WebhookDelivery", "WebhookFanoutCursor", "WebhookSubscription",
]
