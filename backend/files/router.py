"""HTTP: files (being built)."""

from fastapi import APIRouter

router = APIRouter(tags=["files"])
