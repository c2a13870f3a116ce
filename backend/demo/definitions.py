"""The demo project's label schemas, as the JSON bodies a user would send to the API."""

from __future__ import annotations

from typing import Any

PROJECT: dict[str, Any] = {
    "name": "Demo",
    "slug": "demo",
    "description": "Real photos from scikit-image and short news-like texts on four topics, "
                   "with a schema for each and an annotation task for every file.",
}

OBJECTS_SCHEMA: dict[str, Any] = {
    "name": "objects",
    "description": "Objects in the demo photos",
    "labels": [
        {"name": "person", "color": "#1f77b4", "annotation_types": ["box", "polygon", "keypoints"],
         "keypoint_names": ["head", "left_shoulder", "right_shoulder", "left_hand", "right_hand"]},
        {"name": "cat", "color": "#ff7f0e", "annotation_types": ["box", "polygon", "point"]},
        {"name": "rocket", "color": "#2ca02c", "annotation_types": ["box", "polygon"]},
        {"name": "coffee cup", "color": "#d62728", "annotation_types": ["box", "polygon"]},
        {"name": "horse", "color": "#9467bd", "annotation_types": ["box", "polygon", "keypoints"],
         "keypoint_names": ["head", "withers", "tail", "front_hoof", "back_hoof"]},
        {"name": "coin", "color": "#8c564b", "annotation_types": ["box", "polygon", "point"]},
    ],
    "attributes": [
        {"name": "occluded", "kind": "boolean", "scope": "instance"},
        {"name": "scene", "kind": "select", "scope": "file", "options": ["indoor", "outdoor"]},
    ],
}

TOPICS_SCHEMA: dict[str, Any] = {
    "name": "topics",
    "description": "The topic of each demo text, as a tag or as spans",
    "labels": [
        {"name": "sports", "color": "#17becf", "annotation_types": ["tag", "span"]},
        {"name": "weather", "color": "#bcbd22", "annotation_types": ["tag", "span"]},
        {"name": "finance", "color": "#e377c2", "annotation_types": ["tag", "span"]},
        {"name": "tech", "color": "#7f7f7f", "annotation_types": ["tag", "span"]},
    ],
    "attributes": [
        {"name": "sentiment", "kind": "select", "scope": "file",
         "options": ["positive", "neutral", "negative"]},
    ],
}

IMAGES_DATASET: dict[str, Any] = {"name": "images", "description": "Photos bundled with scikit-image"}
TEXTS_DATASET: dict[str, Any] = {"name": "texts", "description": "Short texts on sports, weather, finance, tech"}
