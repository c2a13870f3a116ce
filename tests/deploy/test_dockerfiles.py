"""The images' Dockerfiles, parsed with BuildKit's own parser (the `dockerfile` package) and linted by hadolint.

No Docker engine runs here, so nothing is built: these are the static properties that matter when one is.
"""

from __future__ import annotations

import fnmatch
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import dockerfile
import pytest
from conftest import DOCKER_DIR, ROOT, tool

IMAGES = {
    "api.Dockerfile": {"serve": ["groundwork", "serve"]},
    "worker.Dockerfile": {"serve": ["groundwork", "worker", "--role", "executor", "--queues", "cpu"]},
    "worker-cuda.Dockerfile": {"serve": ["groundwork", "worker", "--role", "executor", "--queues", "gpu",
                                         "--concurrency", "1"]},
}
# An image reference pinned to a release: a tag with a full major.minor.patch version, optionally a digest.
PINNED = re.compile(r"^[\w./-]+:v?\d+\.\d+\.\d+[\w.-]*(@sha256:[0-9a-f]{64})?$")


@dataclass
class Stage:
    """One build stage: its base image (ARGs resolved) and its instructions."""

    base: str
    name: str | None
    commands: list[dockerfile.Command] = field(default_factory=list)

    def last(self, instruction: str) -> dockerfile.Command | None:
        found = [c for c in self.commands if c.cmd == instruction]
        return found[-1] if found else None


def substitute(text: str, args: dict[str, str]) -> str:
    return re.sub(r"\$\{?(\w+)\}?", lambda m: args.get(m.group(1), m.group(0)), text)


def stages(path: Path) -> list[Stage]:
    """Split a Dockerfile into stages, resolving ARG defaults in FROM lines as BuildKit does."""
    global_args: dict[str, str] = {}
    result: list[Stage] = []
    for command in dockerfile.parse_file(str(path)):
        if command.cmd == "ARG" and not result:
            name, _, default = command.value[0].partition("=")
            global_args[name] = default
        elif command.cmd == "FROM":
            base = substitute(command.value[0], global_args)
            alias = command.value[2] if len(command.value) == 3 and command.value[1].upper() == "AS" else None
            result.append(Stage(base=base, name=alias))
        elif result:
            result[-1].commands.append(command)
    return result


@pytest.fixture(params=sorted(IMAGES), ids=lambda name: name.split(".")[0])
def image(request: pytest.FixtureRequest) -> tuple[str, list[Stage]]:
    return request.param, stages(DOCKER_DIR / request.param)


def test_every_base_image_is_pinned(image: tuple[str, list[Stage]]) -> None:
    _, parsed = image
    aliases = {s.name for s in parsed if s.name}
    for stage in parsed:
        if stage.base in aliases:
            continue  # FROM an earlier stage
        assert "$" not in stage.base, f"unresolved variable in FROM {stage.base}"
        assert PINNED.match(stage.base), f"not pinned to a release: {stage.base}"


def test_runtime_stage_runs_as_a_numeric_non_root_user(image: tuple[str, list[Stage]]) -> None:
    _, parsed = image
    final = parsed[-1]
    user = final.last("USER")
    assert user is not None, "the final stage sets no USER (it would run as root)"
    uid, _, gid = user.value[0].partition(":")
    # numeric, so that Kubernetes' runAsNonRoot can check it without reading /etc/passwd
    assert uid.isdigit() and int(uid) != 0 and (not gid or (gid.isdigit() and int(gid) != 0))
    # nothing after USER switches back
    after = final.commands[final.commands.index(user) + 1:]
    assert not [c for c in after if c.cmd == "USER"]


def test_runtime_stage_has_a_healthcheck_and_the_documented_command(image: tuple[str, list[Stage]]) -> None:
    name, parsed = image
    final = parsed[-1]
    check = final.last("HEALTHCHECK")
    assert check is not None and check.value[0] == "CMD" and check.json
    assert any(flag.startswith("--interval=") for flag in check.flags)
    assert any(flag.startswith("--timeout=") for flag in check.flags)
    cmd = final.last("CMD")
    assert cmd is not None and cmd.json and list(cmd.value) == IMAGES[name]["serve"]


def test_images_are_multi_stage_and_ship_no_build_tools(image: tuple[str, list[Stage]]) -> None:
    name, parsed = image
    assert len(parsed) >= 2
    final = parsed[-1]
    # the runtime stage only copies results from earlier stages and the repository's small files
    assert not [c for c in final.commands if c.cmd == "RUN" and "pip install" in c.value[0]]
    copied_from = {flag.split("=", 1)[1] for c in final.commands if c.cmd == "COPY"
                   for flag in c.flags if flag.startswith("--from=")}
    assert "python-build" in copied_from
    if name == "api.Dockerfile":
        assert "frontend" in copied_from  # the UI built by node; node itself stays behind
        assert not final.base.startswith("node:")


def ignore_rules() -> list[tuple[bool, str]]:
    rules = []
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            rules.append((line.startswith("!"), line.lstrip("!").rstrip("/")))
    return rules


def ignored(path: str, rules: list[tuple[bool, str]]) -> bool:
    """Docker's rule: the last pattern matching the path, or one of its parent folders, decides."""
    parts = path.rstrip("/").split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    verdict = False
    for negated, pattern in rules:
        flat = pattern.replace("**/", "")
        if any(fnmatch.fnmatchcase(c, pattern) or fnmatch.fnmatchcase(c, flat) for c in candidates):
            verdict = not negated
    return verdict


def test_dockerignore_sends_what_the_images_copy_and_nothing_local(image: tuple[str, list[Stage]]) -> None:
    _, parsed = image
    rules = ignore_rules()
    for stage in parsed:
        for command in stage.commands:
            if command.cmd != "COPY" or any(f.startswith("--from=") for f in command.flags):
                continue
            for source in command.value[:-1]:
                assert not ignored(source, rules), f"COPY {source} but .dockerignore leaves it out"
    for local in (".git", ".venv", "data", "frontend/node_modules", "frontend/dist", ".env", "tests",
                  "backend/__pycache__", "helm"):
        assert ignored(local, rules), f"{local} would be sent to the Docker daemon"


def test_hadolint_finds_nothing() -> None:
    done = subprocess.run([tool("hadolint"), *sorted(str(DOCKER_DIR / name) for name in IMAGES)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
