"""HTTP: label_schemas (being built)."""

from fastapi import APIRouter

router = APIRouter(tags=["label-schemas"])
