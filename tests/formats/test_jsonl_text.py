"""Native JSON Lines round trip; text formats (CSV, JSON Lines, spaCy, CoNLL) on a text file with spans."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from fastapi import FastAPI

from tests.conftest import Team
from tests.formats.formathelpers import Project, box, polygon, second_project

TEXT = "Anna Berg joined ACME Corp.\nShe plays tennis."


def _meaning(lines: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return sorted((line["file"]["name"], a["label"], a["type"], json.dumps(a["geometry"], sort_keys=True),
                   json.dumps(a["attributes"], sort_keys=True), a["source"], a["model_name"], a["score"])
                  for line in lines for a in line["annotations"])


def test_jsonl_round_trip_between_projects(proj: Project, team: Team, app: FastAPI) -> None:
    proj.images([("a.png", 100, 80), ("b.png", 60, 40)])
    proj.annotate("vision", {
        "a.png": [box(1, 2, 3, 4, attributes={"make": "vw"}), polygon([[0, 0], [10, 0], [5, 9]], "pedestrian"),
                  {"type": "tag", "label": "indoor"},
                  box(5, 5, 10, 10, "person", source="model", model_name="det", model_version="3", score=0.4)],
    })
    exported = [json.loads(line) for line in proj.export_bytes(format="jsonl").decode().splitlines()]
    assert [line["file"]["name"] for line in exported] == ["a.png", "b.png"]
    assert all(a["version"] == 1 and a["id"] for a in exported[0]["annotations"])

    other = second_project(team, app)
    other.images([("a.png", 100, 80), ("b.png", 60, 40)])
    job = other.run_import("\n".join(json.dumps(line) for line in exported).encode(), "export.jsonl", "jsonl",
                           "vision")
    assert job["status"] == "succeeded" and job["counts"]["annotations"] == 4, job
    again = [json.loads(line) for line in other.export_bytes(format="jsonl").decode().splitlines()]
    assert _meaning(again) == _meaning(exported)
    assert {a["id"] for a in again[0]["annotations"]}.isdisjoint({a["id"] for a in exported[0]["annotations"]})


def _text_project(proj: Project) -> None:
    proj.texts({"story.txt": TEXT, "empty.txt": "Nothing here."})
    proj.images([("pic.png", 10, 10)])
    proj.annotate("texts", {"story.txt": [
        {"type": "span", "label": "PER", "geometry": {"start": 0, "end": 9}},
        {"type": "span", "label": "ORG", "geometry": {"start": 17, "end": 26}},
        {"type": "tag", "label": "sports", "attributes": {"tone": "calm"}},
        {"type": "tag", "label": "politics"}]})


def test_text_csv_and_jsonl(proj: Project) -> None:
    _text_project(proj)
    schema = proj.schemas["texts"]
    rows = list(csv.reader(io.StringIO(proj.export_bytes(format="csv", schema_id=schema).decode())))
    assert rows == [["file_id", "name", "text", "label"],
                    [str(proj.files["story.txt"]), "story.txt", TEXT, "politics|sports"],
                    [str(proj.files["empty.txt"]), "empty.txt", "Nothing here.", ""]]
    lines = [json.loads(x) for x in proj.export_bytes(format="jsonl_text", schema_id=schema).decode().splitlines()]
    assert lines[0] == {"id": proj.files["story.txt"], "name": "story.txt", "text": TEXT,
                        "labels": ["politics", "sports"], "attributes": {"tone": "calm"},
                        "spans": [{"start": 0, "end": 9, "label": "PER"}, {"start": 17, "end": 26, "label": "ORG"}]}
    assert lines[1]["labels"] == [] and lines[1]["spans"] == []


def test_spacy_and_conll(proj: Project) -> None:
    _text_project(proj)
    schema = proj.schemas["texts"]
    first = json.loads(proj.export_bytes(format="spacy", schema_id=schema).decode().splitlines()[0])
    assert first["text"] == TEXT and first["entities"] == [[0, 9, "PER"], [17, 26, "ORG"]]
    assert first["cats"] == {"politics": 1.0, "sports": 1.0}
    assert [TEXT[s:e] for s, e, _ in first["entities"]] == ["Anna Berg", "ACME Corp"]
    conll = proj.export_bytes(format="conll", schema_id=schema).decode()
    docs = conll.split("-DOCSTART- -X- -X- O\n\n")[1:]
    sentences = [[line.split(" ") for line in block.splitlines()] for block in docs[0].strip("\n").split("\n\n")]
    assert [(t[0], t[3]) for t in sentences[0]] == [
        ("Anna", "B-PER"), ("Berg", "I-PER"), ("joined", "O"), ("ACME", "B-ORG"), ("Corp", "I-ORG"), (".", "O")]
    assert [(t[0], t[3]) for t in sentences[1]] == [("She", "O"), ("plays", "O"), ("tennis", "O"), (".", "O")]
    assert all(t[1:3] == ["-X-", "_"] for s in sentences for t in s)


def test_a_format_that_needs_a_schema_refuses_none(proj: Project) -> None:
    res = proj.client.post(f"{proj.base}/exports", json={"format": "coco"})
    assert res.status_code == 422 and res.json()["error"]["fields"][0]["field"] == "body.schema_id"
    res = proj.client.post(f"{proj.base}/exports", json={"format": "csv", "schema_id": proj.schemas["texts"],
                                                         "include_media": True})
    assert res.status_code == 422 and res.json()["error"]["fields"][0]["field"] == "body.include_media"
    res = proj.client.post(f"{proj.base}/exports", json={"format": "jsonl", "query": "labels.nope > 1"})
    assert res.status_code == 422 and res.json()["error"]["fields"][0]["field"] == "body.query"
    assert res.json()["error"]["detail"]["column"] == 8

