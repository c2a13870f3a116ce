"""Many texts in one request (``POST /files/texts``): order, images and unknown ids, who sees what, limits."""

from __future__ import annotations

from filehelpers import make_image, upload

from tests.factories import add_task


def test_texts_of_many_files_in_the_order_asked(team, app) -> None:
    parts = [("photo.png", make_image("PNG"))] + [(f"n{i}.txt", f"note {i} é".encode()) for i in range(3)]
    photo, *notes = (i["file"]["id"] for i in upload(team.editor.client, team.project_id, parts).json()["items"])
    base = f"/api/v1/projects/{team.project_id}/files/texts"
    r = team.viewer.client.post(base, json={"file_ids": [notes[2], photo, notes[0], 999_999, notes[2]]})
    assert r.status_code == 200, r.text
    assert r.json() == {"items": [{"file_id": notes[2], "text": "note 2 é"}, {"file_id": notes[0], "text": "note 0 é"}],
                        "missing": [photo, 999_999]}
    # an annotator sees only the files of their own tasks
    schema = team.admin.client.post(f"/api/v1/projects/{team.project_id}/schemas", json={
        "name": "s", "labels": [{"name": "a", "color": "#000000", "annotation_types": ["tag"]}]}).json()["id"]
    add_task(app, team.project_id, notes[1], schema, team.annotator.user.id)
    mine = team.annotator.client.post(base, json={"file_ids": notes}).json()
    assert [i["file_id"] for i in mine["items"]] == [notes[1]] and mine["missing"] == [notes[0], notes[2]]
    assert team.outsider.client.post(base, json={"file_ids": notes}).status_code == 404
    assert team.viewer.client.post(base, json={"file_ids": []}).status_code == 422
    assert team.viewer.client.post(base, json={"file_ids": list(range(1, 1002))}).status_code == 422
