"""Near-duplicate detection: word-shingle MinHash signatures and a banded LSH index.

Signatures come from `rensa` (Rust MinHash, ~10x faster than datasketch's numpy path here;
measured on the BBC corpus, see docs/dedup.md). The LSH index is our own small pure-Python
structure so that it can be rebuilt from signatures kept in a key-value store and entries can
be removed on expiry: both things a library index hides from us.

The estimated similarity is the MinHash estimate of the Jaccard index of the two shingle sets.
A copy cut down to a fraction of the original (wire copy trimmed from the bottom) has a low
Jaccard index but is almost wholly *contained* in the original: with the set sizes kept next
to the signatures, containment follows from the Jaccard estimate, and a pair also counts as a
near-duplicate when containment is high and the Jaccard index is not negligible.
"""

from __future__ import annotations

import base64
import hashlib
import re
import sys
from array import array
from dataclasses import dataclass

import rensa

WORD = re.compile(r"\w+")
SHINGLE_WORDS = 3
SEED = 20070508  # fixed: signatures are stored, so every process must hash alike

Signature = tuple[int, ...]


@dataclass(frozen=True)
class LshParams:
    """Banding: `bands * rows` MinHash values. 42 x 3 catches J=0.5 with p≈0.995, J=0.4 ≈0.94."""

    bands: int = 42
    rows: int = 3

    @property
    def num_perm(self) -> int:
        return self.bands * self.rows


def words(text: str) -> list[str]:
    """Lower-cased word tokens: case, punctuation and layout carry no duplicate signal."""
    return WORD.findall(text.lower())


def body_fingerprint(tokens: list[str]) -> str:
    """Hash of the normalised token stream: equal for exact copies whatever their layout."""
    return hashlib.blake2b(" ".join(tokens).encode("utf-8"), digest_size=8).hexdigest()


def shingles(tokens: list[str]) -> list[str]:
    """Overlapping word 3-grams; a text shorter than that is one shingle of itself."""
    if len(tokens) < SHINGLE_WORDS:
        return [" ".join(tokens)]
    return [f"{a} {b} {c}" for a, b, c in zip(tokens, tokens[1:], tokens[2:], strict=False)]


def signature(shingle_list: list[str], params: LshParams) -> Signature:
    """MinHash signature of a shingle set (see `shingles`)."""
    sketch = rensa.RMinHash(params.num_perm, SEED)
    sketch.update(shingle_list)
    return tuple(sketch.digest())


def encode_signature(sig: Signature) -> str:
    """Compact JSON-safe form: base64 of little-endian uint32 values."""
    packed = array("I", sig)
    if sys.byteorder != "little":
        packed.byteswap()
    return base64.b64encode(packed.tobytes()).decode("ascii")


def decode_signature(text: str) -> Signature:
    """Inverse of `encode_signature`."""
    packed = array("I")
    packed.frombytes(base64.b64decode(text))
    if sys.byteorder != "little":
        packed.byteswap()
    return tuple(packed)


def estimate_similarity(a: Signature, b: Signature) -> float:
    """Share of equal MinHash values: an unbiased estimate of the Jaccard index."""
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def containment(jaccard: float, size_a: int, size_b: int) -> float:
    """|A ∩ B| / min(|A|, |B|) from the Jaccard index and the set sizes."""
    smaller = min(size_a, size_b)
    if smaller <= 0:
        return 0.0
    return min(1.0, jaccard * (size_a + size_b) / ((1.0 + jaccard) * smaller))


@dataclass(frozen=True)
class MatchRule:
    """When two texts are near-duplicates: similar enough, or one mostly inside the other."""

    jaccard: float = 0.5
    containment: float = 0.8
    containment_min_jaccard: float = 0.25

    def accepts(self, jaccard: float, size_a: int, size_b: int) -> bool:
        if jaccard >= self.jaccard:
            return True
        return (jaccard >= self.containment_min_jaccard
                and containment(jaccard, size_a, size_b) >= self.containment)


class LshIndex:
    """Banded MinHash LSH over ids; exact similarity check of every bucket-mate.

    Kept compact, since a worker holds days of news (2026-12-03, world news: 26 KB per
    indexed article before, the LSH part 15 KB of it): a signature is stored as a packed
    uint32 array, a band's bucket is keyed by the hash of its values (a collision only adds
    a candidate, which the similarity check then weighs), and a bucket of one id holds the
    id itself, not a set.
    """

    def __init__(self, params: LshParams | None = None) -> None:
        self.params = params or LshParams()
        self._sigs: dict[str, array] = {}
        self._sizes: dict[str, int] = {}
        self._buckets: list[dict[int, str | set[str]]] = [{} for _ in range(self.params.bands)]
        rows = self.params.rows
        self._slices = [slice(b * rows, (b + 1) * rows) for b in range(self.params.bands)]

    def __len__(self) -> int:
        return len(self._sigs)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._sigs

    def _keys(self, sig: Signature) -> list[int]:
        """The bucket key of each band (a band's values as a tuple, hashed)."""
        values = sig if isinstance(sig, tuple) else tuple(sig)
        # 30 bits: a key then fits CPython's smallest int (28 bytes, not 36); the rarer
        # collisions this adds (one in ~10^9 per band) only add a candidate to weigh.
        return [hash(values[band]) & 0x3FFFFFFF for band in self._slices]

    def add(self, item_id: str, sig: Signature, size: int = 0) -> None:
        """Index `sig` (of a `size`-shingle set) under `item_id`; re-adding replaces it."""
        if len(sig) != self.params.num_perm:
            raise ValueError(f"signature has {len(sig)} values, index wants {self.params.num_perm}")
        if item_id in self._sigs:
            self.remove(item_id)
        self._sigs[item_id] = array("I", sig)
        self._sizes[item_id] = size
        for buckets, key in zip(self._buckets, self._keys(sig), strict=True):
            members = buckets.get(key)
            if members is None:
                buckets[key] = item_id
            elif isinstance(members, str):
                if members != item_id:
                    buckets[key] = {members, item_id}
            else:
                members.add(item_id)

    def remove(self, item_id: str) -> bool:
        """Forget `item_id`; empty buckets are dropped so memory follows the live set."""
        sig = self._sigs.pop(item_id, None)
        if sig is None:
            return False
        del self._sizes[item_id]
        for buckets, key in zip(self._buckets, self._keys(sig), strict=True):
            members = buckets.get(key)
            if members is None:
                continue
            if isinstance(members, str):
                if members == item_id:
                    del buckets[key]
                continue
            members.discard(item_id)
            if len(members) == 1:
                buckets[key] = next(iter(members))
            elif not members:
                del buckets[key]
        return True

    def candidates(self, sig: Signature) -> set[str]:
        """Ids sharing at least one band with `sig` (and, rarely, a hash collision)."""
        found: set[str] = set()
        for buckets, key in zip(self._buckets, self._keys(sig), strict=True):
            members = buckets.get(key)
            if members is None:
                continue
            if isinstance(members, str):
                found.add(members)
            else:
                found |= members
        return found

    def query(self, sig: Signature, rule: MatchRule | None = None,
              size: int = 0) -> tuple[str, float] | None:
        """Most similar indexed id that `rule` accepts (by Jaccard estimate, ties to the
        smallest id); without a rule, the most similar bucket-mate."""
        best: tuple[str, float] | None = None
        for item_id in sorted(self.candidates(sig)):
            similarity = estimate_similarity(sig, self._sigs[item_id])
            if rule is not None and not rule.accepts(similarity, size, self._sizes[item_id]):
                continue
            if best is None or similarity > best[1]:
                best = (item_id, similarity)
        return best

    def signature_of(self, item_id: str) -> Signature | None:
        sig = self._sigs.get(item_id)
        return tuple(sig) if sig is not None else None
