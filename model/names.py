"""Container names for `create` without `--name`: docker's adjective_surname form.

The engine draws them at random; the model derives them from the container id,
which is itself derived from the logical clock, so a script always gets the
same names.
"""
from __future__ import annotations

ADJECTIVES = (
    "admiring", "adoring", "affectionate", "amazing", "awesome", "blissful", "bold", "brave",
    "charming", "clever", "compassionate", "confident", "cool", "dazzling", "determined",
    "eager", "ecstatic", "elastic", "elegant", "epic", "festive", "focused", "friendly",
    "gallant", "gifted", "goofy", "gracious", "happy", "hopeful", "inspiring", "jolly",
    "keen", "kind", "laughing", "loving", "lucid", "magical", "modest", "nice", "nifty",
    "optimistic", "peaceful", "pensive", "practical", "quirky", "relaxed", "serene", "sharp",
    "stoic", "sweet", "tender", "trusting", "upbeat", "vibrant", "wizardly", "youthful", "zen",
)
SURNAMES = (
    "albattani", "allen", "archimedes", "babbage", "bardeen", "bell", "bhabha", "black",
    "boyd", "cerf", "chandrasekhar", "curie", "darwin", "dijkstra", "einstein", "euclid",
    "feynman", "galileo", "gauss", "goldberg", "hamilton", "hopper", "hypatia", "johnson",
    "kepler", "knuth", "lamport", "liskov", "lovelace", "mccarthy", "meitner", "newton",
    "noether", "pasteur", "perlman", "ritchie", "shannon", "thompson", "torvalds", "turing",
    "wozniak", "wright",
)


def generate(container_id: str, taken: frozenset[str] | set[str] = frozenset()) -> str:
    """A deterministic docker-style name for `container_id`, not among `taken`.

    >>> generate("00" * 32)
    'admiring_albattani'
    """
    n = int(container_id[:16], 16)
    for attempt in range(len(ADJECTIVES) * len(SURNAMES)):
        k = (n + attempt) % (len(ADJECTIVES) * len(SURNAMES))
        name = f"{ADJECTIVES[k // len(SURNAMES)]}_{SURNAMES[k % len(SURNAMES)]}"
        if name not in taken:
            return name
    return f"container_{container_id[:12]}"
