"""Imports every domain's models so ``Base.metadata`` is complete (Alembic, tests)."""

from backend.annotations.models import Annotation, AnnotationVersion
from backend.auth.models import ApiToken, BrowserSession, User
from backend.core.models import Base
from backend.datasets.models import Dataset, DatasetFile
from backend.events.models import Event
from backend.files.models import File
from backend.label_schemas.models import AttributeGroup, Label, LabelSchema
from backend.projects.models import Member, Project
from backend.tasks.models import Task

__all__ = [
    "Annotation", "AnnotationVersion", "ApiToken", "AttributeGroup", "Base", "BrowserSession", "Dataset",
    "DatasetFile", "Event", "File", "Label", "LabelSchema", "Member", "Project", "Task", "User",
]
