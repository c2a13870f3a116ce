"""Small, learnable data sets made for the ML tests (deterministic: seeded)."""

from __future__ import annotations

import io
import random

TOPIC_WORDS = {
    "sports": ["the striker scored a late goal", "the team won the championship final", "the coach praised the "
               "defenders", "a tennis match went to five sets", "the runner broke the marathon record",
               "the goalkeeper saved a penalty", "fans cheered the winning team", "the cyclist took the yellow "
               "jersey"],
    "cooking": ["simmer the onions in butter", "bake the bread until golden", "season the soup with fresh herbs",
                "whisk the eggs with sugar", "roast the vegetables in the oven", "knead the dough for ten minutes",
                "grill the fish with lemon", "stir the risotto slowly"],
    "finance": ["the central bank raised interest rates", "shares fell after the earnings report", "investors "
                "moved money into bonds", "the company issued new stock", "inflation eroded household savings",
                "the bank cut its profit forecast", "the currency weakened against the dollar", "the fund bought "
                "government debt"],
}


def topic_texts(n_per_label: int, seed: int = 0, topics: dict[str, list[str]] | None = None
                ) -> list[tuple[str, str]]:
    """(text, label) pairs, all different: two phrases of a topic joined, in a shuffled order."""
    rng = random.Random(seed)
    pairs = []
    for label, phrases in (topics or TOPIC_WORDS).items():
        combos = [(a, b) for a in phrases for b in phrases if a != b]
        pairs += [(f"{a}, and {b}.", label) for a, b in rng.sample(combos, n_per_label)]
    rng.shuffle(pairs)
    return pairs


def png(color: tuple[int, int, int], size: tuple[int, int] = (32, 24), noise: int = 0, seed: int = 0) -> bytes:
    """A PNG of one colour (plus some noise)."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    arr = np.empty((size[1], size[0], 3), np.int16)
    arr[:] = color
    if noise:
        arr += rng.integers(-noise, noise + 1, arr.shape, dtype=np.int16)
    buf = io.BytesIO()
    Image.fromarray(arr.clip(0, 255).astype(np.uint8)).save(buf, format="PNG")
    return buf.getvalue()
