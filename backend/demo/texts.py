"""Short texts on four topics, generated from templates so zero-shot labelling has real work to do."""

from __future__ import annotations

import random
from dataclasses import dataclass

TOPICS = ("sports", "weather", "finance", "tech")

_SLOTS: dict[str, tuple[str, ...]] = {
    "team": ("the Harbour City Gulls", "Northfield United", "the Riverside Rockets", "Eastgate Athletic",
             "the Valley Wolves", "Kingsport Rovers", "the Summit Falcons", "Westbrook FC"),
    "player": ("Maya Okafor", "Luis Herrera", "Anna Lindqvist", "Kenji Watanabe", "Sara Haddad",
               "Tom Brennan", "Priya Nair", "Jonas Weber"),
    "event": ("the league cup", "the national championship", "the spring open", "the derby",
              "the regional trophy", "the world series"),
    "sport": ("football", "basketball", "hockey", "rugby", "volleyball", "cricket"),
    "score": ("2-1", "3-0", "98-91", "4-3", "1-0", "27-24", "5-2"),
    "position": ("goalkeeper", "striker", "point guard", "defender", "coach"),
    "distance": ("100 metres", "400 metres", "marathon", "1500 metres", "200 metres freestyle"),
    "city": ("Lisbon", "Oslo", "Denver", "Osaka", "Cape Town", "Toronto", "Melbourne", "Edinburgh"),
    "temp": ("18", "24", "31", "35", "12", "-3", "28"),
    "mm": ("20", "35", "50", "80"),
    "kmh": ("60", "80", "95", "110"),
    "time": ("midnight", "6 pm", "noon", "early Sunday", "late afternoon"),
    "company": ("Northwind Holdings", "Globex", "Contoso Bank", "Initech", "Acme Retail", "Vandelay Imports",
                "Stark Logistics", "Wayne Energy"),
    "pct": ("1.2", "2.5", "3.8", "4.1", "6.7", "0.9", "9.3"),
    "rate": ("3.25", "4.5", "5.0", "2.75", "4.1"),
    "bn": ("1.2", "3", "4.5", "10", "22"),
    "index": ("FTSE 100", "S&P 500", "Nikkei 225", "DAX", "Dow Jones"),
    "currency": ("euro", "yen", "Swiss franc", "pound"),
    "company_t": ("Pixelworks", "Cloudline", "Quantix", "ByteForge", "Nimbus Labs", "OpenLoop", "Circuitry"),
    "product": ("photo app", "cloud storage service", "smartphone", "laptop line", "messaging app",
                "browser", "smartwatch"),
    "feature": ("search", "image recognition", "end-to-end encryption", "offline sync", "voice control",
                "battery saving mode"),
    "model": ("language", "speech", "vision", "translation"),
    "device": ("phone", "laptop", "tablet", "smartwatch", "headset"),
    "software": ("the Linux kernel", "a popular web server", "a password manager", "a database engine",
                 "a video player"),
    "attack": ("read private files", "take over accounts", "crash the system", "run arbitrary code"),
    "version": ("2.0", "3.1", "5.0", "10.4", "1.0"),
    "month": ("month", "week", "quarter", "spring"),
    "energy": ("wind power", "solar energy", "hydroelectric power", "geothermal energy"),
    "gb": ("8", "12", "16", "32"),
    "inch": ("6.1", "6.7", "13", "14", "11"),
    "day": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "the weekend"),
}

_TEMPLATES: dict[str, tuple[str, ...]] = {
    "sports": (
        "{team} beat {team} {score} in {event} on {day}.",
        "{player} scored twice as {team} came back to win {event}.",
        "The {sport} season opens on {day} with {team} at home.",
        "An ankle injury will keep {player} out of the next three games.",
        "{team} signed a new {position} ahead of the transfer deadline.",
        "Fans celebrated in the streets after {team} clinched {event}.",
        "{player} set a new national record in the {distance}.",
        "A late penalty cost {team} a place in the {sport} semi-finals.",
        "{player} was named player of the match after a {score} win.",
        "The {sport} final between {team} and {team} sold out in minutes.",
    ),
    "weather": (
        "Heavy rain is expected in {city} on {day}, with up to {mm} mm by evening.",
        "{city} will see sunshine and highs of {temp} degrees on {day}.",
        "A storm warning is in effect for the coast near {city} until {time}.",
        "Snow and freezing fog may disrupt travel around {city} on {day}.",
        "Forecasters predict a heatwave in {city}, with temperatures above {temp} degrees.",
        "Gusts of {kmh} km/h are forecast for {city} on {day}.",
        "Morning frost in {city} will give way to clear skies by {time}.",
        "Thunderstorms are likely in {city} after {time}, with hail in places.",
        "The weekend forecast for {city}: cloudy, light drizzle and {temp} degrees.",
        "Flood warnings were issued in {city} after {mm} mm of rain fell overnight.",
    ),
    "finance": (
        "Shares of {company} rose {pct}% after quarterly earnings beat expectations.",
        "The central bank held interest rates at {rate}% on {day}.",
        "{company} stock fell {pct}% as weak revenue guidance worried investors.",
        "Bond yields climbed to {rate}% as inflation came in hotter than expected.",
        "{company} announced a ${bn} billion share buyback.",
        "The {index} closed {pct}% higher, led by bank stocks.",
        "Investors moved into gold as the dollar weakened against the {currency}.",
        "{company} agreed to buy {company} for ${bn} billion in cash.",
        "Analysts cut their price target for {company} after a profit warning.",
        "Mortgage rates rose to {rate}%, the highest level this year.",
    ),
    "tech": (
        "{company_t} released a new version of its {product} with faster {feature}.",
        "Researchers unveiled a chip that runs {model} models on a {device}.",
        "A security flaw in {software} lets attackers {attack}; a patch is out.",
        "{company_t} is rolling out {feature} to every {product} user next {month}.",
        "The open-source project behind {software} reached version {version}.",
        "Users report that the latest {product} update drains {device} batteries.",
        "{company_t} opened a data centre powered entirely by {energy}.",
        "The new {device} from {company_t} ships with {gb} GB of memory and a {inch}-inch screen.",
        "{company_t} open-sourced its {model} model so developers can run it on a {device}.",
        "An outage at {company_t} took its {product} offline for three hours.",
    ),
}


@dataclass(frozen=True)
class DemoText:
    """One short text and its topic."""

    filename: str
    content: str
    topic: str


def _fill(template: str, rng: random.Random) -> str:
    out, used = template, set()
    while "{" in out:
        start = out.index("{")
        end = out.index("}", start)
        # a slot used twice ("{team} beat {team}") takes two different values
        value = rng.choice([v for v in _SLOTS[out[start + 1:end]] if v not in used])
        used.add(value)
        out = out[:start] + value + out[end + 1:]
    return out[0].upper() + out[1:]


def demo_texts(per_topic: int = 75, seed: int = 7) -> list[DemoText]:
    """``per_topic`` distinct sentences for each topic, the same every time (seeded)."""
    rng = random.Random(seed)
    texts: list[DemoText] = []
    for topic in TOPICS:
        seen: set[str] = set()
        templates = _TEMPLATES[topic]
        attempts = 0
        while len(seen) < per_topic and attempts < per_topic * 100:
            attempts += 1
            sentence = _fill(templates[attempts % len(templates)], rng)
            if sentence in seen:
                continue
            seen.add(sentence)
            texts.append(DemoText(filename=f"{topic}-{len(seen):03d}.txt", content=sentence, topic=topic))
    return texts
