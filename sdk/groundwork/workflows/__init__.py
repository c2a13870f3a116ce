"""The workflow language: parse a YAML/JSON definition and check it statically against a block catalogue.

Shared by the backend (which validates and stores definitions) and the workflow service (which runs
them), so both read a definition the same way. See ``docs/workflows.md``.
"""

from groundwork.workflows.errors import DefinitionError, Problem
from groundwork.workflows.spec import BlockSpec, Catalogue, Definition, Port
from groundwork.workflows.validate import parse_and_validate

__all__ = ["BlockSpec", "Catalogue", "Definition", "DefinitionError", "Port", "Problem", "parse_and_validate"]
