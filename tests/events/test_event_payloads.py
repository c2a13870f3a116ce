"""Every event the platform writes is in the catalogue and its payload matches the documented schema."""

from __future__ import annotations

from sqlalchemy import Engine, select

from backend.events.catalogue import CATALOGUE
from backend.events.models import Event
from tests.conftest import Team
from tests.factories import OBJECTS_SCHEMA
from tests.files.filehelpers import make_image, upload


def test_a_working_day_emits_only_catalogued_valid_events(team: Team, engine: Engine) -> None:
    admin, ann = team.admin.client, team.annotator.client
    p = team.project_id
    base = f"/api/v1/projects/{p}"
    admin.patch(base, json={"description": "street scenes"})
    schema = admin.post(f"{base}/schemas", json=OBJECTS_SCHEMA).json()
    admin.put(f"{base}/schemas/{schema['id']}", json={**OBJECTS_SCHEMA, "revision": 1, "description": "v2"})
    files = upload(admin, p, [("a.png", make_image("PNG", (100, 80))), ("b.txt", b"hello world")]).json()["items"]
    image, text = files[0]["file"]["id"], files[1]["file"]["id"]
    admin.patch(f"{base}/files/{text}", json={"metadata": {"lang": "en"}})
    ds = admin.post(f"{base}/datasets", json={"name": "train"}).json()
    admin.post(f"{base}/datasets/{ds['id']}/files", json={"file_ids": [image, text]})
    admin.request("DELETE", f"{base}/datasets/{ds['id']}/files", json={"file_ids": [text]})
    box = admin.post(f"{base}/files/{image}/annotations", json={
        "schema_id": schema["id"], "type": "box", "label": "car", "geometry": {"x": 1, "y": 1, "w": 5, "h": 5}}).json()
    admin.patch(f"{base}/annotations/{box['id']}", json={"version": 1, "attributes": {"occluded": True}})
    admin.delete(f"{base}/annotations/{box['id']}", params={"version": 2})
    admin.post(f"{base}/annotations/bulk", json={"schema_id": schema["id"], "mode": "replace", "files": [
        {"file_id": image, "annotations": [{"type": "point", "label": "car", "geometry": {"x": 2, "y": 2},
                                            "source": "model", "model_name": "m"}]}]})
    admin.post(f"{base}/tasks", json={"file_ids": [image, text], "schema_id": schema["id"], "kind": "annotate"})
    task = ann.post(f"{base}/tasks/next", json={}).json()
    task = ann.post(f"{base}/tasks/{task['id']}/actions", json={"action": "submit", "version": task["version"]}).json()
    task = admin.post(f"{base}/tasks/{task['id']}/actions", json={"action": "request_changes", "comment": "tighter",
                                                                   "version": task["version"]}).json()
    task = ann.post(f"{base}/tasks/{task['id']}/actions", json={"action": "resume", "version": task["version"]}).json()
    task = ann.post(f"{base}/tasks/{task['id']}/actions", json={"action": "submit", "version": task["version"]}).json()
    admin.post(f"{base}/tasks/{task['id']}/actions", json={"action": "approve", "version": task["version"]})
    joiner = team.outsider
    member = admin.post(f"{base}/members", json={"email": joiner.user.email, "role": "viewer"}).json()
    admin.delete(f"{base}/members/{member['id']}")
    admin.delete(f"{base}/files/{text}")

    with engine.connect() as conn:
        rows = list(conn.execute(select(Event.type, Event.payload, Event.project_id, Event.actor_id)
                                 .where(Event.project_id == p).order_by(Event.id)))
    seen = {r.type for r in rows}
    expected = {"project.updated", "schema.created", "schema.updated", "file.created", "file.updated",
                "file.deleted", "dataset.created", "dataset.files_added", "dataset.files_removed",
                "annotation.created", "annotation.updated", "annotation.deleted", "annotations.bulk_written",
                "task.created", "task.assigned", "task.started", "task.submitted", "task.changes_requested",
                "task.resumed", "task.approved", "member.added", "member.removed"}
    assert expected <= seen, expected - seen
    for row in rows:
        assert row.type in CATALOGUE, f"{row.type} is not in the catalogue"
        CATALOGUE[row.type].payload.model_validate(row.payload)
        assert row.actor_id is not None
