"""The per-file feature table the data checks run on (pandas; one row per file, ``file_id`` as index).

Texts: length, words, word length, sentences, and the share of upper-case letters, digits, punctuation
and non-ASCII characters, and of distinct words. Images: width, height, aspect, brightness, contrast,
and the mean of each colour channel. Labels: the file's class (its tag), annotations per label, the mean
area (share of the image) and aspect of its boxes, and its file-level attribute values. Optionally the
first principal components of the sentence embeddings (texts), fitted on the reference.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

_WORD = re.compile(r"\w+")
_SENTENCE = re.compile(r"[.!?]+(\s|$)")
_PUNCT = set(string.punctuation)


def text_features(text: str) -> dict[str, float]:
    """Simple statistics of one text."""
    words = _WORD.findall(text)
    n = max(1, len(text))
    return {"length": float(len(text)), "words": float(len(words)),
            "mean_word_length": float(np.mean([len(w) for w in words])) if words else 0.0,
            "sentences": float(max(1, len(_SENTENCE.findall(text)))) if text.strip() else 0.0,
            "upper_ratio": sum(c.isupper() for c in text) / n, "digit_ratio": sum(c.isdigit() for c in text) / n,
            "punct_ratio": sum(c in _PUNCT for c in text) / n, "non_ascii_ratio": sum(ord(c) > 127 for c in text) / n,
            "unique_word_ratio": len({w.lower() for w in words}) / max(1, len(words))}


def image_features(image: Any) -> dict[str, float]:
    """Size and simple photometric statistics of one decoded image (HxWxC uint8)."""
    arr = np.asarray(image, dtype=np.float32)
    if arr.ndim == 2:
        arr = arr[:, :, None].repeat(3, axis=2)
    gray = arr[:, :, :3] @ np.array([0.299, 0.587, 0.114], np.float32)
    h, w = arr.shape[:2]
    return {"width": float(w), "height": float(h), "aspect": w / max(1, h), "brightness": float(gray.mean()),
            "contrast": float(gray.std()), "mean_red": float(arr[:, :, 0].mean()),
            "mean_green": float(arr[:, :, 1].mean()), "mean_blue": float(arr[:, :, 2].mean())}


def label_features(item: dict[str, Any], schema_id: int, labels: Sequence[str]) -> dict[str, Any]:
    """The file's class, annotations per label, box geometry and file-level attributes."""
    anns = [a for a in item.get("annotations", ()) if a["schema_id"] == schema_id]
    tags = {a["label"] for a in anns if a["type"] == "tag" and a["label"]}
    row: dict[str, Any] = {"label": tags.pop() if len(tags) == 1 else None}
    for name in labels:
        row[f"n_{name}"] = float(sum(a["label"] == name for a in anns if a["type"] != "tag"))
    boxes = [a["geometry"] for a in anns if a["type"] == "box" and a.get("geometry")]
    area = (item.get("width") or 0) * (item.get("height") or 0)
    row["box_area"] = float(np.mean([b["w"] * b["h"] / area for b in boxes])) if boxes and area else 0.0
    row["box_aspect"] = float(np.mean([b["w"] / max(b["h"], 1e-6) for b in boxes])) if boxes else 0.0
    for a in anns:
        if a["type"] == "tag":
            row.update({f"attr_{k}": _scalar(v) for k, v in (a.get("attributes") or {}).items()})
    return row


def _scalar(value: Any) -> Any:
    return ",".join(map(str, sorted(value))) if isinstance(value, list) else value


def feature_table(items: Sequence[dict[str, Any]], schema_id: int, labels: Sequence[str]) -> pd.DataFrame:
    """One row per item: content features for its kind, then label features."""
    rows = []
    for item in items:
        content = (text_features(str(item.get("text") or "")) if item["kind"] == "text"
                   else image_features(item["image"]))
        rows.append({"file_id": int(item["file_id"]), **content, **label_features(item, schema_id, labels)})
    return pd.DataFrame(rows).set_index("file_id") if rows else pd.DataFrame()


def add_projections(frames: list[pd.DataFrame], embeddings: list[Any], dims: int) -> list[pd.DataFrame]:
    """``emb_0..dims-1``: the embeddings projected on the first frame's principal components."""
    from sklearn.decomposition import PCA

    fitted = PCA(n_components=min(dims, *(len(e) for e in embeddings), embeddings[0].shape[1]))
    fitted.fit(embeddings[0])
    out = []
    for frame, emb in zip(frames, embeddings, strict=True):
        proj = fitted.transform(emb)
        extra = pd.DataFrame(proj, index=frame.index, columns=[f"emb_{k}" for k in range(proj.shape[1])])
        out.append(pd.concat([frame, extra], axis=1))
    return out


def align(frames: list[pd.DataFrame]) -> tuple[list[pd.DataFrame], list[str], bool]:
    """Give every frame the same columns; returns them, the categorical columns, and whether labels exist."""
    columns = list(dict.fromkeys(c for f in frames for c in f.columns))
    filled = [f.reindex(columns=columns) for f in frames]
    categorical = [c for c in columns if c.startswith("attr_") and any(f[c].dtype == object for f in filled)]
    has_label = "label" in columns and all(f["label"].notna().any() for f in filled)
    if not has_label and "label" in columns:
        filled = [f.drop(columns=["label"]) for f in filled]
    elif has_label:  # files without a class are a class of their own to the checks
        filled = [f.assign(label=f["label"].fillna("(none)")) for f in filled]
    # a column that is constant everywhere (e.g. no boxes at all) says nothing and makes checks noisy
    keep = [c for c in filled[0].columns if c == "label" or any(f[c].nunique(dropna=False) > 1 for f in filled)]
    return [f[keep] for f in filled], [c for c in categorical if c in keep], has_label
