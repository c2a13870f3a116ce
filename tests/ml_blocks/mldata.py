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


PRODUCTS = ["the blender", "this phone case", "the vacuum cleaner", "my new headphones", "the desk lamp",
            "this backpack", "the coffee maker", "the running shoes"]
OPINIONS = {
    "positive": ["works perfectly", "exceeded my expectations", "is worth every penny", "I would buy it again",
                 "arrived early and looks great", "is sturdy and well made", "makes my mornings easier",
                 "gets five stars from me"],
    "negative": ["stopped working after a week", "is a waste of money", "broke on the first day", "I want a refund",
                 "arrived damaged and scratched", "feels cheap and flimsy", "is far too noisy",
                 "never charged properly"],
    "question": ["does it come with a warranty", "can I use it abroad", "is there a bigger size",
                 "how long does shipping take", "what colours are available", "does it work with batteries",
                 "is it dishwasher safe", "can I return it after a month"],
}


def review_texts(n_per_label: int, seed: int) -> list[tuple[str, str]]:
    """Product reviews and questions, (text, label): easy to learn from examples, hard to guess from the label
    names alone (an embedding model sees products, not sentiment), so zero-shot is mediocre on them."""
    rng = random.Random(seed)
    out = []
    for label, opinions in OPINIONS.items():
        combos = [(p, o) for p in PRODUCTS for o in opinions]
        for product, opinion in rng.sample(combos, n_per_label):
            text = (f"{opinion[0].upper()}{opinion[1:]}, {product}?" if label == "question"
                    else f"{product[0].upper()}{product[1:]} {opinion}.")
            out.append((text, label))
    rng.shuffle(out)
    return out


WEATHER = ["heavy rain is expected tonight", "a storm warning was issued for the coast", "temperatures will drop "
           "below freezing", "strong winds knocked down trees", "the heatwave will last all week", "fog delayed "
           "morning flights", "snow closed the mountain pass", "a sunny weekend is forecast"]


def weather_texts(n: int, seed: int = 0) -> list[str]:
    """Texts of a topic the topic schema does not have (an injected shift)."""
    rng = random.Random(seed)
    combos = [(a, b) for a in WEATHER for b in WEATHER if a != b]
    return [f"{a}, and {b}." for a, b in rng.sample(combos, n)]


def split_halves(pairs: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Two disjoint samples of the same distribution: alternate items of each label."""
    seen: dict[str, int] = {}
    first, second = [], []
    for text, label in pairs:
        seen[label] = seen.get(label, 0) + 1
        (first if seen[label] % 2 else second).append((text, label))
    return first, second
