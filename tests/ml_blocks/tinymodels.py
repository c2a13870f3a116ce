"""Tiny randomly initialised models built from transformers configs, saved like real checkpoints.

They exercise the same code as real weights (load, batch, post-process, write back); their predictions
mean nothing. A character-level CLIP tokenizer (vocab.json + merges.txt) stands in for CLIP's BPE.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CHARS = "abcdefghijklmnopqrstuvwxyz0123456789 .,"


def _clip_tokenizer(root: Path) -> object:
    from transformers import CLIPTokenizer

    vocab = {"!": 0}
    for ch in CHARS:
        vocab.setdefault(ch, len(vocab))
        vocab.setdefault(ch + "</w>", len(vocab))
    # OWL-ViT treats a query that starts with token 0 as padding: the special tokens come last
    vocab["<|startoftext|>"] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    (root / "vocab.json").write_text(json.dumps(vocab))
    (root / "merges.txt").write_text("#version: 0.2\n")
    return CLIPTokenizer(str(root / "vocab.json"), str(root / "merges.txt"))


def _tame(model: Any) -> Any:
    """Random box heads saturate (degenerate boxes); a zero last layer leaves OWL's grid prior: a box per patch."""
    import torch

    with torch.no_grad():
        model.box_head.dense2.weight.zero_()
        model.box_head.dense2.bias.zero_()
    return model


def build(root: Path) -> dict[str, Path]:
    """Save tiny clip/, owlvit/, owlv2/ and nli/ model directories under ``root``."""
    import torch
    from transformers import (
        BertConfig,
        BertForSequenceClassification,
        CLIPConfig,
        CLIPImageProcessor,
        CLIPModel,
        CLIPProcessor,
        Owlv2Config,
        Owlv2ForObjectDetection,
        Owlv2ImageProcessor,
        Owlv2Processor,
        OwlViTConfig,
        OwlViTForObjectDetection,
        OwlViTImageProcessor,
        OwlViTProcessor,
    )

    from workflow_service.blocks.ml._runtime import minilm_dir

    root.mkdir(parents=True, exist_ok=True)
    tok = _clip_tokenizer(root)
    n = len(tok)  # type: ignore[arg-type]
    text = {"vocab_size": n, "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
            "num_attention_heads": 2, "max_position_embeddings": 40, "bos_token_id": n - 2, "eos_token_id": n - 1,
            "pad_token_id": n - 1}
    vision = {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2,
              "image_size": 32, "patch_size": 8}
    square = {"height": 32, "width": 32}
    torch.manual_seed(0)
    out = {name: root / name for name in ("clip", "owlvit", "owlv2", "nli")}
    CLIPModel(CLIPConfig(text_config=text, vision_config=vision, projection_dim=32)).save_pretrained(out["clip"])
    CLIPProcessor(image_processor=CLIPImageProcessor(size={"shortest_edge": 32}, crop_size=square),
                  tokenizer=tok).save_pretrained(out["clip"])
    _tame(OwlViTForObjectDetection(OwlViTConfig(text_config=text, vision_config=vision, projection_dim=32))
          ).save_pretrained(out["owlvit"])
    OwlViTProcessor(image_processor=OwlViTImageProcessor(size=square, crop_size=square),
                    tokenizer=tok).save_pretrained(out["owlvit"])
    _tame(Owlv2ForObjectDetection(Owlv2Config(text_config=text, vision_config=vision, projection_dim=32))
          ).save_pretrained(out["owlv2"])
    Owlv2Processor(image_processor=Owlv2ImageProcessor(size=square), tokenizer=tok).save_pretrained(out["owlv2"])
    # an NLI classifier: a tiny BERT with the MiniLM tokenizer and entailment/neutral/contradiction outputs
    from transformers import AutoTokenizer

    bert = AutoTokenizer.from_pretrained(minilm_dir())
    labels = {0: "entailment", 1: "neutral", 2: "contradiction"}
    BertForSequenceClassification(BertConfig(vocab_size=bert.vocab_size, hidden_size=32, intermediate_size=64,
                                             num_hidden_layers=2, num_attention_heads=2, id2label=labels,
                                             label2id={v: k for k, v in labels.items()})).save_pretrained(out["nli"])
    bert.save_pretrained(out["nli"])
    return out
