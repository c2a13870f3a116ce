"""Finding the project file each row names: by exact name (else the name's last part), or by stem (YOLO)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session, sessionmaker

from backend.core.db import transaction
from backend.imports import repository
from backend.imports.formats.base import FileInfo, basename, stem

_IN_LIMIT = 500
_SCAN_PAGE = 5000

Match = FileInfo | str  # the file, or why there is none


def _one(key: str, found: list[FileInfo], how: str) -> Match:
    if not found:
        return f"no file {how} {key!r} in the project"
    if len(found) > 1:
        return f"{len(found)} files {how} {key!r} in the project (ids {', '.join(str(f.id) for f in found[:5])}); " \
               "names must be unique to match"
    return found[0]


class FileIndex:
    """Resolves row keys to files, remembering answers (rows of one image come back many times)."""

    def __init__(self, factory: sessionmaker[Session], project_id: int, *, by_stem: bool) -> None:
        self.factory, self.project_id, self.by_stem = factory, project_id, by_stem
        self.known: dict[str, Match] = {}

    def resolve(self, keys: Iterable[str]) -> dict[str, Match]:
        """Each key's file (or the reason it has none)."""
        new = {k for k in keys if k not in self.known}
        if new:
            self.known.update(self._stems(new) if self.by_stem else self._names(new))
        return self.known

    def _names(self, keys: set[str]) -> dict[str, Match]:
        wanted = keys | {basename(k) for k in keys}
        by_name: dict[str, list[FileInfo]] = {}
        names = sorted(wanted)
        with transaction(self.factory) as session:
            for i in range(0, len(names), _IN_LIMIT):
                for r in repository.files_named(session, self.project_id, names[i:i + _IN_LIMIT]):
                    by_name.setdefault(r.name, []).append(FileInfo(r.id, r.name, r.kind.value, r.width, r.height))
        out: dict[str, Match] = {}
        for key in keys:
            found = by_name.get(key) or by_name.get(basename(key), [])
            out[key] = _one(key, found, "named")
        return out

    def _stems(self, keys: set[str]) -> dict[str, Match]:
        by_stem: dict[str, list[FileInfo]] = {k: [] for k in keys}
        after = 0
        while True:
            with transaction(self.factory) as session:
                page = repository.files_after(session, self.project_id, after, _SCAN_PAGE)
            for r in page:
                found = by_stem.get(stem(r.name))
                if found is not None:
                    found.append(FileInfo(r.id, r.name, r.kind.value, r.width, r.height))
            if len(page) < _SCAN_PAGE:
                break
            after = page[-1].id
        return {k: _one(k, v, "whose name without extension is") for k, v in by_stem.items()}
