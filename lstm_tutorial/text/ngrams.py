"""Smoothed character n-gram models: the baseline a character-level language model must beat.

An n-gram model predicts the next character from the n - 1 before it, by counting. Counts
alone give probability 0 to anything not seen in training, so they are smoothed:

* ``add-k``: add k to every count, P(w | h) = (c(h w) + k) / (c(h) + k V);
* ``kneser-ney``: interpolated Kneser-Ney (Kneser & Ney 1995; Chen & Goodman 1999): subtract
  a discount d from every seen count and give what was taken to a lower-order model, whose
  counts are *continuation* counts (in how many different contexts a string was seen, not
  how often);
* ``modified-kneser-ney``: the same with three discounts, D1, D2 and D3+, for n-grams seen
  once, twice, and three or more times, each estimated per order from the counts of counts
  (Chen & Goodman 1999), the strongest of the classic methods.

Everything is counted with NumPy over integer codes of the n-grams, so a model of a few
million characters fits in a second or two, and ``count`` counts every order in one pass
for models of several orders to share. Symbols are vocabulary indices
(``lstm_tutorial.text.corpus``); the first characters of a stream, which have fewer than
n - 1 before them, see padding (index 0, never in training) in its place, and so fall back
to the lower orders.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import torch

SMOOTHINGS = ("add-k", "kneser-ney", "modified-kneser-ney")
#: the highest order whose n-gram codes fit a 64-bit integer with the book's 99 symbols
MAX_ORDER = 9


def _extend(codes: np.ndarray, stream: np.ndarray, vocab: int) -> np.ndarray:
    """The codes of the (n+1)-grams ending at every position, from those of the n-grams: the
    n-gram ending one position earlier, with this position's symbol on its right (padding,
    code 0, before the start)."""
    out = stream.copy()
    out[1:] += codes[:-1] * vocab
    return out


def _codes(stream: np.ndarray, n: int, vocab: int) -> np.ndarray:
    """The code of the n-gram ending at every position (padding before the start)."""
    code = stream
    for _ in range(n - 1):
        code = _extend(code, stream, vocab)
    return code


def _count(stream: np.ndarray, top: int, vocab: int) -> tuple[dict, dict]:
    """The levels (``_level``) of the n-grams of ``stream`` counted by how often each was seen,
    for n = 1..top, and by their continuation counts (after how many different symbols each
    was seen), for n = 1..top-1. One pass serves every order: the (n+1)-grams are the n-grams
    extended by a symbol, and the continuation counts of the n-grams are read off the
    distinct (n+1)-grams."""
    raw, cont = {}, {}
    codes = stream
    for n in range(1, top + 1):
        if n > 1:
            codes = _extend(codes, stream, vocab)
        # return_counts=True takes NumPy's sorting path, far faster here than its hashing one
        keys, counts = np.unique(codes[n - 1 :], return_counts=True)
        if n > 1:
            cont[n - 1] = _level(*np.unique(keys % vocab ** (n - 1), return_counts=True), vocab)
        raw[n] = _level(keys, counts, vocab)
    return raw, cont


class _Level(NamedTuple):
    """One order of a model: its n-grams (sorted codes) and their counts; per history (the
    n-gram without its last symbol) the total count, and how many different symbols were
    seen after it once, twice, three or more times; and the counts of counts n1..n4 (how
    many n-grams were seen exactly 1, 2, 3, 4 times), which modified Kneser-Ney's discounts
    are estimated from."""

    keys: np.ndarray
    counts: np.ndarray
    histories: np.ndarray
    totals: np.ndarray
    types: np.ndarray  # (3, histories): symbols seen once, twice, three or more times
    counts_of_counts: tuple[int, int, int, int]


def _level(keys: np.ndarray, counts: np.ndarray, vocab: int) -> _Level:
    # counts fit 32 bits (a stream of 2**31 symbols would be some 8 GB of codes)
    counts = counts.astype(np.int32)
    history = keys // vocab  # sorted, since the keys are
    first = np.ones(len(history), dtype=bool)
    first[1:] = history[1:] != history[:-1]
    which = np.cumsum(first) - 1  # the history of every n-gram, as an index
    n_histories = int(first.sum())
    totals = np.bincount(which, weights=counts, minlength=n_histories).astype(np.int32)
    bucket = np.minimum(counts, 3) - 1  # seen once, twice, three or more times
    types = np.stack([np.bincount(which[bucket == b], minlength=n_histories) for b in range(3)]).astype(np.int32)
    counts_of_counts = tuple(int((counts == c).sum()) for c in range(1, 5))
    return _Level(keys, counts, history[first], totals, types, counts_of_counts)


def modified_discounts(counts_of_counts) -> tuple[float, float, float]:
    """Chen & Goodman's (1999) estimates of D1, D2 and D3+ from n1..n4, the numbers of n-grams
    seen exactly 1..4 times: Y = n1 / (n1 + 2 n2), D1 = 1 - 2Y n2/n1, D2 = 2 - 3Y n3/n2,
    D3+ = 3 - 4Y n4/n3, each kept between 0 and its count. Where a count of counts is 0 (too
    little text to estimate from), the discount below it is used again (0.75 for D1)."""
    n1, n2, n3, n4 = counts_of_counts
    y = n1 / (n1 + 2 * n2) if n1 + 2 * n2 else None
    d1 = 1 - 2 * y * n2 / n1 if y is not None and n1 else 0.75
    d2 = 2 - 3 * y * n3 / n2 if y is not None and n2 else d1
    d3 = 3 - 4 * y * n4 / n3 if y is not None and n3 else d2
    return min(max(d1, 0.0), 1.0), min(max(d2, 0.0), 2.0), min(max(d3, 0.0), 3.0)


def _find(keys: np.ndarray, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each query would sit in the sorted ``keys``, and whether it is there. Sorted
    queries make the binary searches cache-friendly."""
    if len(keys) == 0:
        return np.zeros(len(query), dtype=np.int64), np.zeros(len(query), dtype=bool)
    i = np.minimum(np.searchsorted(keys, query), len(keys) - 1)
    return i, keys[i] == query


class NGramModel:
    """A character n-gram model. ``NGramModel(4).fit(train)`` then ``model.bits_per_char(test)``.

    ``order`` is n (1 for unigram); ``smoothing`` is ``"kneser-ney"`` (with ``discount``),
    ``"modified-kneser-ney"`` (its discounts estimated from the counts) or ``"add-k"`` (with
    ``k``); ``vocab_size`` the number of symbols (every index in a stream must be below it).
    """

    def __init__(self, order: int, smoothing: str = "kneser-ney", *, vocab_size: int = 99,
                 k: float = 0.05, discount: float = 0.75):
        if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= MAX_ORDER:
            raise ValueError(f"order must be an int from 1 to {MAX_ORDER}, got {order!r}")
        if smoothing not in SMOOTHINGS:
            raise ValueError(f"smoothing must be one of {SMOOTHINGS}, got {smoothing!r}")
        if not k > 0:
            raise ValueError(f"k must be positive, got {k}")
        if not 0 < discount < 1:
            raise ValueError(f"discount must be between 0 and 1, got {discount}")
        if isinstance(vocab_size, bool) or not isinstance(vocab_size, int) or not 2 <= vocab_size:
            raise ValueError(f"vocab_size must be an int of at least 2, got {vocab_size!r}")
        if vocab_size**order >= 2**63:
            raise ValueError(f"{order}-grams over {vocab_size} symbols have too many codes for 64-bit integers")
        self.order, self.smoothing, self.vocab_size = order, smoothing, vocab_size
        self.k, self.discount = k, discount
        self._levels = None

    def __repr__(self) -> str:
        knob = {"add-k": f", k={self.k}", "kneser-ney": f", discount={self.discount}"}.get(self.smoothing, "")
        return f"NGramModel(order={self.order}, smoothing={self.smoothing!r}{knob})"

    def _stream(self, stream) -> np.ndarray:
        a = torch.as_tensor(stream).numpy() if not isinstance(stream, np.ndarray) else stream
        if a.ndim != 1:
            raise ValueError(f"expected a 1-D stream of symbol indices, got shape {tuple(a.shape)}")
        a = a.astype(np.int64)
        if len(a) and (a.min() < 0 or a.max() >= self.vocab_size):
            raise ValueError(f"expected symbol indices from 0 to {self.vocab_size - 1}, got {a.min()} to {a.max()}")
        return a

    def fit(self, stream) -> NGramModel:
        """Count the n-grams of a 1-D stream of symbol indices (a tensor or an array), or take
        them from ``count(stream, up_to)``, counted once for models of several orders."""
        counted = stream if isinstance(stream, Counts) else count(stream, self.order, vocab_size=self.vocab_size)
        if counted.up_to < self.order or counted.vocab_size != self.vocab_size:
            raise ValueError(f"these counts go up to {counted.up_to}-grams over {counted.vocab_size} symbols; "
                             f"a model of order {self.order} over {self.vocab_size} symbols needs "
                             f"{self.order}-grams over {self.vocab_size}")
        if self.smoothing == "add-k":
            self._levels = {self.order: counted.raw[self.order]}
        else:
            # the highest order counts how often; every lower one, in how many contexts
            self._levels = {n: counted.raw[n] if n == self.order else counted.continuation[n]
                            for n in range(1, self.order + 1)}
        return self

    def discounts(self) -> dict[int, tuple[float, float, float]]:
        """The discounts (D1, D2, D3+) of each order: d, d, d for ``kneser-ney``; estimated
        from the counts for ``modified-kneser-ney``."""
        self._check_fitted()
        if self.smoothing == "add-k":
            raise ValueError("an add-k model has no discounts: it adds k to every count instead")
        if self.smoothing == "kneser-ney":
            return {n: (self.discount,) * 3 for n in self._levels}
        return {n: modified_discounts(level.counts_of_counts) for n, level in self._levels.items()}

    def probability(self, stream, symbols=None) -> torch.Tensor:
        """P(symbol at t | the n - 1 symbols of ``stream`` before t), for every position t.

        ``symbols`` defaults to the stream itself (how likely was what came); any other 1-D
        sequence of the same length asks about other candidates at each position.
        """
        return probabilities([self], stream, symbols)[0]

    def _check_fitted(self) -> None:
        if self._levels is None:
            raise ValueError("this NGramModel is not fitted yet: call model.fit(train_stream) first")

    def _probability(self, a: np.ndarray, s: np.ndarray, done: dict) -> np.ndarray:
        """The recursion from the lowest order up. Each order only revisits the positions whose
        history the order below had seen (a longer history is never seen where its end was
        not); elsewhere the lower orders' probability stands. ``done`` holds what models
        sharing their lower levels (fitted from the same ``Counts``) have computed already,
        under the levels' identities, and the sorted look-ups of each order."""
        V = self.vocab_size
        key = (self.smoothing, self.k, self.discount, V, len(a))
        p = np.full(len(a), 1.0 / V)  # below the lowest order: every symbol alike
        active = np.arange(len(a))  # the positions whose history may have been seen
        history = np.zeros(len(a), dtype=np.int64)  # the n - 1 symbols before t, as a code
        codes = a
        discounts = self.discounts() if self.smoothing != "add-k" else None
        for n in range(1, self.order + 1):
            if n > 1:
                history[1:] = codes[:-1]  # the (n-1)-gram ending at t - 1 (all padding at t = 0)
                codes = _extend(codes, a, V)
            if n not in self._levels:
                continue
            before, key = key, (*key, id(self._levels[n]))
            if key in done:
                p, active = done[key]
                continue
            level = self._levels[n]
            if ("sorted", before, n) not in done:  # sorted by query is sorted by history too
                query = history[active] * V + s[active]
                order = np.argsort(query)
                done["sorted", before, n] = active[order], query[order]
            at, q = done["sorted", before, n]
            i, found = _find(level.keys, q)
            c = np.where(found, level.counts[i], 0)
            j, seen = _find(level.histories, q // V)
            total = np.where(seen, level.totals[j], 0).astype(np.float64)
            p = p.copy()
            if self.smoothing == "add-k":
                p[at] = (c + self.k) / (total + self.k * V)
            else:
                d = np.array(discounts[n])
                taken = np.where(c > 0, d[np.clip(c, 1, 3) - 1], 0.0)  # D(c), from each count
                given = (d @ level.types[:, j[seen]]) / total[seen]  # what the history gives away
                p[at[seen]] = (c[seen] - taken[seen]) / total[seen] + given * p[at[seen]]
            active = at[seen]
            done[key] = p, active
        return p

    def bits_per_char(self, stream, start: int = 0) -> float:
        """The mean of -log2 P(x_t | history) over positions ``start`` onwards."""
        p = self.probability(stream)[start:]
        return float(-(torch.log2(p)).mean())


class Counts:
    """The n-grams of a stream counted once, for n = 1..``up_to`` (``count``): every model of
    order up to ``up_to`` can be fitted from it, and models fitted from the same counts share
    the tables they have in common (all the lower levels of Kneser-Ney), so that
    ``probabilities`` computes those once."""

    def __init__(self, raw: dict, continuation: dict, up_to: int, vocab_size: int):
        self.raw, self.continuation, self.up_to, self.vocab_size = raw, continuation, up_to, vocab_size

    def __repr__(self) -> str:
        return f"Counts(up_to={self.up_to}, vocab_size={self.vocab_size})"


def count(stream, up_to: int, *, vocab_size: int = 99) -> Counts:
    """The n-gram counts (how often) and continuation counts (after how many different
    symbols) of a 1-D stream of symbol indices, for n = 1..``up_to``, in one pass."""
    a = NGramModel(up_to, vocab_size=vocab_size)._stream(stream)  # checks up_to and the symbols
    return Counts(*_count(a, up_to, vocab_size), up_to, vocab_size)


def probabilities(models, stream, symbols=None) -> list[torch.Tensor]:
    """``[model.probability(stream, symbols) for model in models]``, each level that models
    fitted from the same ``Counts`` share computed once."""
    models = list(models)
    if not models:
        return []
    for model in models:
        model._check_fitted()
    out, done = [], {}
    for model in models:
        a = model._stream(stream)
        s = a if symbols is None else model._stream(symbols)
        if len(s) != len(a):
            raise ValueError(f"expected one symbol per position of the stream ({len(a)}), got {len(s)}")
        out.append(torch.from_numpy(model._probability(a, s, done)))
    return out


def perplexity(bits_per_char: float) -> float:
    """Per-character perplexity, 2 ** bits: the number of equally likely characters that
    would leave a model as unsure as it is."""
    return math.pow(2.0, bits_per_char)
