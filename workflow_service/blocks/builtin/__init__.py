"""The blocks every worker has."""

from typing import Any

from workflow_service.blocks.base import Block
from workflow_service.blocks.builtin.export import Export
from workflow_service.blocks.builtin.human_task import HumanTask
from workflow_service.blocks.builtin.identity import Identity
from workflow_service.blocks.builtin.python_call import Python
from workflow_service.blocks.builtin.route import Route
from workflow_service.blocks.builtin.wait_for import WaitFor
from workflow_service.blocks.builtin.webhook import Webhook
from workflow_service.blocks.ml import ML_BLOCKS

BUILTIN_BLOCKS: list[type[Block[Any]]] = [Export, HumanTask, Identity, Python, Route, WaitFor, Webhook, *ML_BLOCKS]
