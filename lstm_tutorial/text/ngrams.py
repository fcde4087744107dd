"""Smoothed character n-gram models: the baseline a character-level language model must beat.

An n-gram model predicts the next character from the n - 1 before it, by counting. Counts
alone give probability 0 to anything not seen in training, so they are smoothed:

* ``add-k``: add k to every count, P(w | h) = (c(h w) + k) / (c(h) + k V);
* ``kneser-ney``: interpolated Kneser-Ney (Kneser & Ney 1995; Chen & Goodman 1999), the
  strongest of the classic methods: subtract a discount d from every seen count and give
  what was taken to a lower-order model, whose counts are *continuation* counts (in how many
  different contexts a string was seen, not how often).

Everything is counted with NumPy over integer codes of the n-grams, so a model of a few
million characters fits in a second or two. Symbols are vocabulary indices
(``lstm_tutorial.text.corpus``); the first characters of a stream, which have fewer than
n - 1 before them, see padding (index 0, never in training) in its place, and so fall back
to the lower orders.
"""

from __future__ import annotations

import math

import numpy as np
import torch

SMOOTHINGS = ("add-k", "kneser-ney")


def _codes(stream: np.ndarray, n: int, vocab: int) -> np.ndarray:
    """The code of the n-gram ending at every position (padding before the start)."""
    padded = np.concatenate([np.zeros(n - 1, dtype=np.int64), stream])
    code = np.zeros(len(stream), dtype=np.int64)
    for j in range(n):
        code = code * vocab + padded[j : j + len(stream)]
    return code


def _lookup(keys: np.ndarray, values: np.ndarray, query: np.ndarray) -> np.ndarray:
    """``values`` at ``query`` in the sorted ``keys``; 0 where a query is not a key."""
    if len(keys) == 0:
        return np.zeros(len(query), dtype=values.dtype)
    i = np.minimum(np.searchsorted(keys, query), len(keys) - 1)
    return np.where(keys[i] == query, values[i], 0)


class NGramModel:
    """A character n-gram model. ``NGramModel(4).fit(train)`` then ``model.bits_per_char(test)``.

    ``order`` is n (1 for unigram); ``smoothing`` is ``"kneser-ney"`` (with ``discount``) or
    ``"add-k"`` (with ``k``); ``vocab_size`` the number of symbols (every index in a stream
    must be below it).
    """

    def __init__(self, order: int, smoothing: str = "kneser-ney", *, vocab_size: int = 99,
                 k: float = 0.05, discount: float = 0.75):
        if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= 8:
            raise ValueError(f"order must be an int from 1 to 8, got {order!r}")
        if smoothing not in SMOOTHINGS:
            raise ValueError(f"smoothing must be one of {SMOOTHINGS}, got {smoothing!r}")
        if not k > 0:
            raise ValueError(f"k must be positive, got {k}")
        if not 0 < discount < 1:
            raise ValueError(f"discount must be between 0 and 1, got {discount}")
        self.order, self.smoothing, self.vocab_size = order, smoothing, vocab_size
        self.k, self.discount = k, discount
        self._tables = None

    def __repr__(self) -> str:
        knob = f"k={self.k}" if self.smoothing == "add-k" else f"discount={self.discount}"
        return f"NGramModel(order={self.order}, smoothing={self.smoothing!r}, {knob})"

    def _stream(self, stream) -> np.ndarray:
        a = torch.as_tensor(stream).numpy() if not isinstance(stream, np.ndarray) else stream
        if a.ndim != 1:
            raise ValueError(f"expected a 1-D stream of symbol indices, got shape {tuple(a.shape)}")
        a = a.astype(np.int64)
        if len(a) and (a.min() < 0 or a.max() >= self.vocab_size):
            raise ValueError(f"expected symbol indices from 0 to {self.vocab_size - 1}, got {a.min()} to {a.max()}")
        return a

    def fit(self, stream) -> NGramModel:
        """Count the n-grams of a 1-D stream of symbol indices (a tensor or an array)."""
        a = self._stream(stream)
        V = self.vocab_size
        tables = []
        for n in range(1, self.order + 1):
            grams = _codes(a, n, V)[n - 1 :] if n > 1 else a
            if self.smoothing == "kneser-ney" and n < self.order:
                # continuation count of w_2..w_n: how many different symbols came before it
                longer = np.unique(_codes(a, n + 1, V)[n:])
                keys, counts = np.unique(longer % V**n, return_counts=True)
            else:
                keys, counts = np.unique(grams, return_counts=True)
            contexts, where = np.unique(keys // V, return_inverse=True)
            totals = np.bincount(where, weights=counts).astype(np.int64)
            types = np.bincount(where).astype(np.int64)
            tables.append((keys, counts, contexts, totals, types))
        self._tables = tables
        return self

    def probability(self, stream, symbols=None) -> torch.Tensor:
        """P(symbol at t | the n - 1 symbols of ``stream`` before t), for every position t.

        ``symbols`` defaults to the stream itself (how likely was what came); any other 1-D
        sequence of the same length asks about other candidates at each position.
        """
        if self._tables is None:
            raise ValueError("this NGramModel is not fitted yet: call model.fit(train_stream) first")
        a = self._stream(stream)
        s = a if symbols is None else self._stream(symbols)
        if len(s) != len(a):
            raise ValueError(f"expected one symbol per position of the stream ({len(a)}), got {len(s)}")
        V, d = self.vocab_size, self.discount
        p = None
        for n, (keys, counts, contexts, totals, types) in enumerate(self._tables, start=1):
            # the n - 1 symbols before t: the (n-1)-gram ending at t - 1 (all padding at t = 0)
            history = np.zeros(len(a), dtype=np.int64)
            if n > 1:
                history[1:] = _codes(a, n - 1, V)[:-1]
            query = history * V + s
            c = _lookup(keys, counts, query).astype(np.float64)
            total = _lookup(contexts, totals, history).astype(np.float64)
            if self.smoothing == "add-k":
                if n == self.order:
                    p = (c + self.k) / (total + self.k * V)
                continue
            seen = total > 0
            lower = np.full(len(a), 1.0 / V) if p is None else p
            share = np.where(seen, d * _lookup(contexts, types, history) / np.maximum(total, 1), 1.0)
            p = np.where(seen, np.maximum(c - d, 0) / np.maximum(total, 1), 0.0) + share * lower
        return torch.from_numpy(p)

    def bits_per_char(self, stream, start: int = 0) -> float:
        """The mean of -log2 P(x_t | history) over positions ``start`` onwards."""
        p = self.probability(stream)[start:]
        return float(-(torch.log2(p)).mean())


def perplexity(bits_per_char: float) -> float:
    """Per-character perplexity, 2 ** bits: the number of equally likely characters that
    would leave a model as unsure as it is."""
    return math.pow(2.0, bits_per_char)
