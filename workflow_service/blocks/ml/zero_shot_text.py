"""``zero_shot_text``: pre-label texts with the label schema's tag labels, no training data needed.

Two methods: ``embedding`` (default) compares a sentence embedding of the text with one of each label (the
packaged all-MiniLM-L6-v2 unless ``model_dir`` names another encoder); ``nli`` asks an NLI model whether
"This text is about {label}." follows from the text. Candidate labels are the schema's as it stands at every
run, so a label an admin adds is used by the next run: the schema a worker read last is reused, and each
write names its revision, so an edit since is refused by the server and the batch redone. Each file gets one
tag (the best label) written as a model annotation with the model's name, version and score; files scoring
below ``min_score`` also go to the ``unsure`` output, for review by people.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from groundwork.workflows.spec import Port
from pydantic import BaseModel, ConfigDict, Field

from workflow_service.blocks.base import Block, Item, Outputs, StepContext
from workflow_service.blocks.ml import _data as data
from workflow_service.blocks.ml import _pipeline as pipeline
from workflow_service.blocks.ml._common import DEVICE, SCHEMA, predictions_port, split_by_score
from workflow_service.blocks.ml._runtime import fingerprint, model_dir, need, pick_device

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from groundwork.types import LabelSchema


class ZeroShotTextConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    method: Literal["embedding", "nli"] = Field(
        default="embedding", description="embedding: similarity to each label (fast); nli: entailment (slower)")
    model_dir: str | None = Field(default=None, description="a local model directory; embedding: default the "
                                                             "packaged all-MiniLM-L6-v2; nli: required")
    schema_name: str | None = SCHEMA
    labels: list[str] = Field(default_factory=list, description="only these tag labels (default: all of them)")
    template: str = Field(default="{label}", description="the text per label; nli: the hypothesis, e.g. "
                                                          "'This text is about {label}.'")
    min_score: float = Field(default=0.5, ge=0, le=1, description="below this a file also goes to `unsure`")
    temperature: float = Field(default=0.05, gt=0, le=10, description="embedding: softmax temperature of the "
                                                                      "cosine similarities")
    batch_size: int = Field(default=64, ge=1, le=4096, description="texts per forward pass")
    max_length: int = Field(default=256, ge=8, le=4096, description="tokens per text (longer ones are cut)")
    device: str = DEVICE
    model_name: str | None = Field(default=None, description="the name written on the pre-labels "
                                                              "(default: the model directory's name)")
    replace: Literal["model", "source"] = Field(
        default="model", description="model: replace this model's earlier pre-labels of a file; source: every "
                                     "model-made annotation of it")


class ZeroShotText(Block[ZeroShotTextConfig]):
    """Outputs ``labelled`` (score ≥ min_score), ``unsure`` and ``predictions`` (probabilities per file)."""

    slug = "zero_shot_text"
    title = "Zero-shot text classification"
    description = ("Pre-label texts with the schema's tag labels by embedding similarity or NLI; "
                   "low-confidence files go to `unsure`.")
    version = "1"
    Config = ZeroShotTextConfig
    inputs = (Port("files", "files"),)
    outputs = (Port("labelled", "files"), Port("unsure", "files"), Port("predictions", "any"))
    queue = "gpu"

    def classifier(self, labels: Sequence[str]) -> Any:
        """The configured classifier over ``labels`` (its model is loaded once per worker process)."""
        need("torch", "transformers")
        from workflow_service.blocks.ml._text import TextEncoder
        from workflow_service.blocks.ml._zeroshot import EmbeddingZeroShot, NliZeroShot

        c = self.config
        if c.method == "nli":
            if not c.model_dir:
                raise ValueError("method nli needs model_dir: a local NLI model (e.g. a saved bart-large-mnli)")
            path, _ = model_dir(c.model_dir)
            return NliZeroShot(path, c.device, labels, c.template)
        path, _ = model_dir(c.model_dir)
        return EmbeddingZeroShot(TextEncoder.load(path, c.device, c.max_length), labels, c.template, c.temperature)

    def model_tag(self) -> data.ModelTag:
        """Name and version written on the pre-labels: the model, and a fingerprint of its weights and method."""
        path, name = model_dir(self.config.model_dir)
        return data.ModelTag(self.config.model_name or name, f"{self.config.method}-{fingerprint(path)}")

    def predict(self, texts: Sequence[str], labels: Sequence[str]) -> npt.NDArray[np.float32]:
        """Probabilities per label for each text."""
        return self.classifier(labels).predict(texts, self.config.batch_size)  # type: ignore[no-any-return]

    def run_batch(self, items: Sequence[Item]) -> list[Any]:
        ctx = items[0].ctx  # a micro-batch belongs to one workflow version, hence one project
        wanted = [data.input_files(item.args) for item in items]
        ids = list(dict.fromkeys(f for got in wanted for f in got))
        tag = self.model_tag()
        scored, labels = data.redo_on_schema_change(ctx, self.config.schema_name,
                                                    lambda: self._pre_label(ctx, ids, tag))
        return [self._outputs(item, got, scored, labels, tag) for item, got in zip(items, wanted, strict=True)]

    def _pre_label(self, ctx: StepContext, ids: list[int], tag: data.ModelTag) -> tuple[dict[int, Any], list[str]]:
        """Score and write these files; {file: (label, score, probabilities)} and the labels used.

        The schema this process read last is reused when it has tag labels to offer; every write carries its
        revision, so an edit made since is caught by the write (``SchemaChanged``) instead of by a read here.
        """
        name = self.config.schema_name
        parts = pipeline.parts_of(ids, self.config.batch_size, halve=pick_device(self.config.device).startswith("cuda"))
        state: dict[str, Any] = {}  # the schema and its labels
        known = data.known_labels(ctx, name, "tag", self.config.labels)
        if known is not None:
            state["schema"], state["labels"] = known

        def read(part: list[int]) -> tuple[LabelSchema | None, dict[int, str]]:
            if part is parts[0] and not state:
                return data.schema_and_texts(ctx, name, part)
            return None, data.texts(ctx, part)

        def compute(part: list[int], got: tuple[LabelSchema | None, dict[int, str]]) -> dict[int, Any]:
            if got[0] is not None:
                state["schema"], state["labels"] = got[0], data.labels_for(got[0], "tag", self.config.labels)
                data.known_schemas.remember(ctx, name, got[0])
            texts = [(f, t) for f, t in got[1].items() if t.strip()]
            probs = self.predict([t for _, t in texts], state["labels"])
            best = probs.argmax(axis=1) if texts else []
            return {f: (state["labels"][int(b)], float(row[b]), row)
                    for (f, _), b, row in zip(texts, best, probs, strict=True)}

        def write(scored: dict[int, Any]) -> None:
            if scored:
                data.write_tags(ctx, state["schema"].id, [(f, label, score) for f, (label, score, _) in scored.items()],
                                tag, replace=self.config.replace, schema_revision=state["schema"].revision)

        scored = {f: s for done in pipeline.run(parts, read, compute, write) for f, s in done.items()}
        return scored, state.get("labels", [])

    def _outputs(self, item: Item, ids: list[int], scored: dict[int, Any], labels: list[str],
                 tag: data.ModelTag) -> Outputs:
        import numpy as np

        done = [f for f in ids if f in scored]
        confident, unsure = split_by_score(done, [scored[f][1] for f in done], self.config.min_score)
        skipped = [f for f in ids if f not in scored]
        probs = np.array([scored[f][2] for f in done], np.float32).reshape(len(done), len(labels))
        item.ctx.log(f"{len(done)} text(s) pre-labelled by {tag.name} ({self.config.method}, {len(labels)} "
                     f"labels): {len(confident)} ≥ {self.config.min_score}, {len(unsure)} unsure"
                     + (f"; {len(skipped)} skipped (not a text, empty or gone)" if skipped else ""))
        return Outputs({"labelled": confident, "unsure": unsure,
                        "predictions": predictions_port(labels, done, probs, tag.name, tag.version)})
