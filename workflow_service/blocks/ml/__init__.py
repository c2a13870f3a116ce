"""The ML blocks: zero-shot pre-labelling, training tracked in MLflow, prediction, data checks, active
learning and drift. Each module holds one block; torch, transformers, MLflow and Deepchecks are imported
only when a block runs, so a worker without the ``ml`` extra still starts and lists them.

GPU-heavy blocks default to the ``gpu`` queue: run an executor with ``--queues gpu`` on a GPU machine,
or ``cpu,gpu`` where one worker does everything (``groundwork serve``'s embedded worker does).
"""

from typing import Any

from workflow_service.blocks.base import Block
from workflow_service.blocks.ml.active_learning import ActiveLearning
from workflow_service.blocks.ml.data_checks import Deepchecks
from workflow_service.blocks.ml.drift_check import DriftCheck
from workflow_service.blocks.ml.predict import Predict
from workflow_service.blocks.ml.train import Train
from workflow_service.blocks.ml.zero_shot_image import ZeroShotImage
from workflow_service.blocks.ml.zero_shot_text import ZeroShotText

ML_BLOCKS: list[type[Block[Any]]] = [ActiveLearning, Deepchecks, DriftCheck, Predict, Train, ZeroShotImage,
                                     ZeroShotText]
