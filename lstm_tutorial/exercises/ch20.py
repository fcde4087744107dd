"""Checkers for the exercises of chapter 20 (where next: attention)."""

from __future__ import annotations

import torch

from ._harness import case, check_function, guarded

__all__ = ["check_additive_attention"]


def _additive_attention(query, keys, W_q, W_k, v, *, squash=torch.tanh, axis=1, normalise=True):
    e = squash((query @ W_q.T).unsqueeze(1) + keys @ W_k.T) @ v  # (batch, positions)
    a = torch.softmax(e, dim=axis) if normalise else e
    context = (a.unsqueeze(2) * keys).sum(dim=1)  # (batch, key_size)
    return context, a


def _uniform(query, keys, W_q, W_k, v):
    a = torch.full(keys.shape[:2], 1.0 / keys.shape[1], dtype=keys.dtype)
    return keys.mean(dim=1), a


def _cases():
    gen = torch.Generator().manual_seed(20)
    cases = []
    # (batch, positions, query_size, key_size, attention_size): all different, so that a
    # weight used the wrong way round cannot be multiplied by accident
    for B, T, Q, K, A in [(3, 5, 4, 6, 7), (2, 4, 3, 2, 5), (1, 7, 2, 3, 4)]:
        def r(*shape):
            return torch.randn(*shape, generator=gen, dtype=torch.float64)

        cases.append(case(r(B, Q), r(B, T, K), r(A, Q), r(A, K), r(A)))
    return cases


@guarded
def check_additive_attention(additive_attention) -> bool:
    """Check ``additive_attention(query, keys, W_q, W_k, v) -> (context, weights)``: scores
    ``v^T tanh(W_q q + W_k k_j)``, weights their softmax over the positions ``j``, context the
    weighted sum of the keys."""
    return check_function(
        additive_attention,
        _additive_attention,
        _cases(),
        name="additive_attention",
        outputs=("context", "weights"),
        mistakes=[
            (lambda *a: _additive_attention(*a, axis=0), "the softmax taken over the batch axis, not the positions"),
            (lambda *a: _additive_attention(*a, squash=lambda z: z), "the tanh left out of the score"),
            (lambda *a: _additive_attention(*a, squash=torch.sigmoid), "a sigmoid where the score's tanh belongs"),
            (lambda *a: _additive_attention(*a, normalise=False), "the scores used as weights, without the softmax"),
            (lambda *a: _additive_attention(*a)[::-1], "(weights, context) returned in place of (context, weights)"),
            (_uniform, "equal weights 1/T for every position: the scores are not used"),
        ],
    )
