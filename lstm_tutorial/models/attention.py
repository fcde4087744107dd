"""Additive attention (Bahdanau et al. 2015), and a small LSTM encoder–decoder to try it on.

An encoder–decoder reads a source sequence with one LSTM (the *encoder*) and writes the target
with another (the *decoder*), which starts from the encoder's final state. Without attention,
that final state is all the decoder ever learns about the source: a fixed-size bottleneck.
With attention, at every output step i the decoder takes a weighted average of *all* the
encoder's hidden states h_j, with weights it computes afresh from its own state s_i:

    e_ij   = v^T tanh(W_q s_i + W_k h_j)      how well source position j fits output step i
    a_ij   = softmax_j(e_ij)                  weights >= 0 that sum to 1 over the source
    c_i    = sum_j a_ij h_j                   the context vector

The tanh matters: without it ``v^T W_q s_i`` is the same for every ``j`` and cancels in the
softmax, so the weights would not depend on the query at all.

The toy task generator, the attention module, the model with a switch ``attention=True/False``,
its training loop (``lt.train`` underneath) and greedy-decoding accuracies live here.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import nn
from torch.nn.functional import cross_entropy

from .._checks import check_size, require_tensor, shape_of
from ..training.loop import train

TASKS = ("reverse", "copy")


def _check_symbols(symbols) -> int:
    if isinstance(symbols, bool) or not isinstance(symbols, int) or symbols < 2:
        raise ValueError(f"symbols must be an int >= 2 (with one symbol every sequence is the same), got {symbols!r}")
    return symbols


def toy_sequences(
    batch: int, length: int, symbols: int, task: str = "reverse", generator: torch.Generator | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """``batch`` random sequences of ``length`` tokens, each drawn uniformly from ``symbols``
    symbols (the integers ``0 .. symbols - 1``), and their targets.

    ``task="reverse"``: the target is the source backwards; ``task="copy"``: the source itself.
    Returns ``source`` and ``target``, both integer tensors of shape (batch, length).
    """
    check_size(batch, "batch")
    check_size(length, "length")
    _check_symbols(symbols)
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    source = torch.randint(0, symbols, (batch, length), generator=generator)
    target = source.flip(1) if task == "reverse" else source.clone()
    return source, target


class AdditiveAttention(nn.Module):
    """Additive ("concat") attention: score ``e_j = v^T tanh(W_q q + W_k k_j)`` for each key ``k_j``,
    weights ``a = softmax(e)`` over the positions ``j``, context ``c = sum_j a_j v_j`` over the values.

    ``forward(query, keys, values=None, mask=None)`` takes ``query`` (batch, query_size), ``keys``
    (batch, positions, key_size), ``values`` (batch, positions, value_size; the keys if omitted) and
    an optional boolean ``mask`` (batch, positions), False at positions to ignore (padding). It
    returns ``(context, weights)``: (batch, value_size) and (batch, positions). A query of shape
    (batch, steps, query_size) asks ``steps`` queries at once, and gives (batch, steps, value_size)
    and (batch, steps, positions).
    """

    def __init__(self, query_size: int, key_size: int, attention_size: int):
        super().__init__()
        self.query_size = check_size(query_size, "query_size")
        self.key_size = check_size(key_size, "key_size")
        self.attention_size = check_size(attention_size, "attention_size")
        self.W_q = nn.Parameter(torch.empty(attention_size, query_size))
        self.W_k = nn.Parameter(torch.empty(attention_size, key_size))
        self.v = nn.Parameter(torch.empty(attention_size))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # as nn.Linear does: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for each matrix
        for p, fan_in in [(self.W_q, self.query_size), (self.W_k, self.key_size), (self.v, self.attention_size)]:
            bound = 1.0 / math.sqrt(fan_in)
            nn.init.uniform_(p, -bound, bound)

    def extra_repr(self) -> str:
        return f"query_size={self.query_size}, key_size={self.key_size}, attention_size={self.attention_size}"

    def project_keys(self, keys: torch.Tensor) -> torch.Tensor:
        """``W_k k_j`` for every position: it does not depend on the query, so a decoder computes it
        once per source sequence, not once per output step."""
        return keys @ self.W_k.T

    def attend(self, query, projected_keys, values, mask=None) -> tuple[torch.Tensor, torch.Tensor]:
        """The context and the weights for keys already projected (no argument checks). ``query``
        may be (batch, query_size), or (batch, steps, query_size) for several queries at once."""
        q = query @ self.W_q.T
        if query.dim() == 2:
            e = torch.tanh(q.unsqueeze(1) + projected_keys) @ self.v  # (batch, positions)
        else:
            e = torch.tanh(q.unsqueeze(2) + projected_keys.unsqueeze(1)) @ self.v  # (batch, steps, positions)
            if mask is not None:
                mask = mask.unsqueeze(1)
        if mask is not None:
            e = e.masked_fill(~mask, float("-inf"))
        a = torch.softmax(e, dim=-1)  # over the source positions
        if query.dim() == 2:
            return (a.unsqueeze(1) @ values).squeeze(1), a
        return a @ values, a

    def forward(self, query, keys, values=None, mask=None) -> tuple[torch.Tensor, torch.Tensor]:
        query = require_tensor(query, "AdditiveAttention query")
        keys = require_tensor(keys, "AdditiveAttention keys")
        if query.dim() not in (2, 3) or query.shape[-1] != self.query_size:
            raise ValueError(
                f"AdditiveAttention expected query of shape (batch, query_size={self.query_size}) "
                f"or (batch, steps, query_size={self.query_size}), got {shape_of(query)}"
            )
        batch = query.shape[0]
        if keys.dim() != 3 or keys.shape[0] != batch or keys.shape[2] != self.key_size or keys.shape[1] == 0:
            raise ValueError(
                f"AdditiveAttention expected keys of shape (batch={batch}, positions >= 1, "
                f"key_size={self.key_size}), got {shape_of(keys)}"
            )
        positions = keys.shape[1]
        if values is None:
            values = keys
        values = require_tensor(values, "AdditiveAttention values")
        if values.dim() != 3 or values.shape[:2] != keys.shape[:2]:
            raise ValueError(
                f"AdditiveAttention expected values of shape (batch={batch}, positions={positions}, value_size), "
                f"got {shape_of(values)}"
            )
        if mask is not None:
            mask = require_tensor(mask, "AdditiveAttention mask")
            if mask.dtype != torch.bool or tuple(mask.shape) != (batch, positions):
                raise ValueError(
                    f"AdditiveAttention expected a boolean mask of shape (batch={batch}, positions={positions}), "
                    f"got {mask.dtype} {shape_of(mask)}"
                )
            if not mask.any(dim=1).all():
                raise ValueError("AdditiveAttention expected every row of the mask to keep at least one position, "
                                 "got a row that is all False")
        return self.attend(query, self.project_keys(keys), values, mask)


class Seq2Seq(nn.Module):
    """An LSTM encoder–decoder over sequences of ``symbols`` symbols, with or without attention.

    The encoder reads the embedded source; the decoder starts from the encoder's final state
    ``(h, c)`` and writes one symbol per step, reading the symbol before (a start symbol at the
    first step). Both are one-layer ``nn.LSTM``s. The read-out turns the decoder's hidden state
    ``s_i`` into scores for the ``symbols`` symbols. With ``attention=True`` it reads ``[s_i, c_i]``
    instead, where ``c_i`` is the context that ``AdditiveAttention`` computes with ``s_i`` as the
    query over all the encoder's hidden states (keys and values alike).

    Bahdanau et al. compute ``c_i`` from the previous state ``s_{i-1}`` and feed it into the state
    update, ``s_i = f(s_{i-1}, y_{i-1}, c_i)``, and their encoder is bidirectional. Here the encoder
    reads forwards only, and the query is the current state ``s_i`` (as in Luong et al.), with the
    context used only in the read-out: that lets the decoder run over a whole target in one call
    while training. (Luong et al. also pass ``[c_i; s_i]`` through ``tanh(W_c [c_i; s_i])`` before
    the read-out, and feed that back into the next step; this model does neither.)
    """

    def __init__(
        self,
        symbols: int,
        hidden_size: int,
        embedding_size: int | None = None,
        attention: bool = True,
        attention_size: int | None = None,
    ):
        super().__init__()
        _check_symbols(symbols)
        if not isinstance(attention, bool):
            raise ValueError(f"attention must be True or False, got {attention!r}")
        self.symbols = symbols
        self.hidden_size = check_size(hidden_size, "hidden_size")
        embedding_size = check_size(embedding_size or hidden_size, "embedding_size")
        self.start = symbols  # one extra symbol, read by the decoder at its first step
        self.embed = nn.Embedding(symbols + 1, embedding_size)
        self.encoder = nn.LSTM(embedding_size, hidden_size, batch_first=True)
        self.decoder = nn.LSTM(embedding_size, hidden_size, batch_first=True)
        self.attention = None
        if attention:
            attention_size = check_size(attention_size or hidden_size, "attention_size")
            self.attention = AdditiveAttention(hidden_size, hidden_size, attention_size)
        self.head = nn.Linear(2 * hidden_size if attention else hidden_size, symbols)

    def _check_tokens(self, tokens, what: str) -> torch.Tensor:
        tokens = require_tensor(tokens, f"Seq2Seq {what}")
        if tokens.dim() != 2 or tokens.shape[1] == 0 or tokens.dtype != torch.long:
            raise ValueError(
                f"Seq2Seq expected {what} as integer tokens of shape (batch, length >= 1), "
                f"got {tokens.dtype} {shape_of(tokens)}"
            )
        if tokens.min() < 0 or tokens.max() >= self.symbols:
            raise ValueError(
                f"Seq2Seq expected {what} tokens in 0 .. {self.symbols - 1}, "
                f"got values from {tokens.min().item()} to {tokens.max().item()}"
            )
        return tokens

    def _read_out(self, s, keys, projected):
        """Scores from decoder states ``s`` (batch, steps, hidden), and the attention weights."""
        if self.attention is None:
            return self.head(s), None
        context, a = self.attention.attend(s, projected, keys)
        return self.head(torch.cat([s, context], dim=-1)), a

    def forward(self, source: torch.Tensor, target: torch.Tensor | None = None, steps: int | None = None):
        """Scores (logits) of shape (batch, steps, symbols) for each output step, and the attention
        weights (batch, steps, source length), or None without attention.

        With ``target`` (batch, steps) the decoder reads the true previous symbol at each step
        (*teacher forcing*, for training); without it, it reads its own previous best guess, for
        ``steps`` steps (default: the source's length).
        """
        source = self._check_tokens(source, "source")
        batch = source.shape[0]
        keys, state = self.encoder(self.embed(source))
        projected = self.attention.project_keys(keys) if self.attention is not None else None
        start = torch.full((batch, 1), self.start, dtype=torch.long)
        if target is not None:
            target = self._check_tokens(target, "target")
            if target.shape[0] != batch:
                raise ValueError(f"Seq2Seq expected target with the source's batch of {batch}, got {shape_of(target)}")
            s, _ = self.decoder(self.embed(torch.cat([start, target[:, :-1]], dim=1)), state)
            return self._read_out(s, keys, projected)
        steps = check_size(source.shape[1] if steps is None else steps, "steps")
        previous, logits, weights = start, [], []
        for _ in range(steps):
            s, state = self.decoder(self.embed(previous), state)
            logits_i, a = self._read_out(s, keys, projected)
            logits.append(logits_i)
            weights.append(a)
            previous = logits_i.argmax(dim=-1)
        return torch.cat(logits, dim=1), (torch.cat(weights, dim=1) if self.attention is not None else None)


class _TeacherForced(nn.Module):
    """``Seq2Seq`` as ``lt.train`` calls a model: one argument in, the logits out."""

    def __init__(self, model: Seq2Seq):
        super().__init__()
        self.model = model

    def forward(self, batch):
        source, target = batch
        return self.model(source, target)[0]


def _token_loss(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return cross_entropy(logits.flatten(0, 1), target.flatten())


def train_seq2seq(
    model: Seq2Seq,
    make_batch: Callable[[torch.Generator], tuple[torch.Tensor, torch.Tensor]],
    steps: int,
    *,
    lr: float = 1e-2,
    clip: float | None = 1.0,
    seed: int = 0,
    log_every: int | None = None,
    name: str = "",
) -> list[float]:
    """``lt.train`` for a ``Seq2Seq`` with teacher forcing: ``make_batch(generator)`` returns
    ``(source, target)``, the loss is the cross-entropy per output token. Returns the loss per step."""
    if not isinstance(model, Seq2Seq):
        raise ValueError(f"train_seq2seq expected a Seq2Seq, got {type(model).__name__}")

    def batch(generator):
        source, target = make_batch(generator)
        return (source, target), target

    return train(
        _TeacherForced(model), batch, _token_loss, steps, lr=lr, clip=clip, seed=seed, log_every=log_every, name=name
    )


@torch.no_grad()
def accuracies(model: Seq2Seq, source: torch.Tensor, target: torch.Tensor) -> dict:
    """Greedy decoding (no teacher forcing) scored against ``target``: ``"token"``, the fraction
    of output tokens right; ``"sequence"``, the fraction of sequences right in every token;
    ``"by_position"``, a tensor with the fraction right at each output position."""
    if not isinstance(model, Seq2Seq):
        raise ValueError(f"accuracies expected a Seq2Seq, got {type(model).__name__}")
    target = model._check_tokens(target, "target")
    logits, _ = model(source, steps=target.shape[1])
    right = logits.argmax(dim=2) == target
    return {
        "token": right.float().mean().item(),
        "sequence": right.all(dim=1).float().mean().item(),
        "by_position": right.float().mean(dim=0),
    }
