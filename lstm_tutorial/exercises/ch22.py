"""Checkers for the exercises of chapter 22 (where next: attention)."""

from __future__ import annotations

import torch

from ._harness import case, check_function, guarded

__all__ = ["check_additive_attention"]


def _additive_attention(query, keys, W_q, W_k, v, *, squash=torch.tanh, axis=1, normalise=True, values=None,
                        v_inside=False, with_query=True):
    inside = keys @ W_k.T  # (batch, positions, attention_size)
    if with_query:
        inside = (query @ W_q.T).unsqueeze(1) + inside
    e = torch.tanh(inside @ v) if v_inside else squash(inside) @ v  # (batch, positions)
    if normalise == "log":
        a = torch.log_softmax(e, dim=axis)
    else:
        a = torch.softmax(e, dim=axis) if normalise else e
    averaged = keys if values is None else values(keys, W_k)
    context = (a.unsqueeze(2) * averaged).sum(dim=1)  # (batch, key_size)
    return context, a


def _uniform(query, keys, W_q, W_k, v):
    a = torch.full(keys.shape[:2], 1.0 / keys.shape[1], dtype=keys.dtype)
    return keys.mean(dim=1), a


# (batch, positions, query_size, key_size, attention_size). The first three are all different,
# so that a weight used the wrong way round cannot be multiplied by accident; then batch 1 with
# key_size 1 (where .squeeze() drops an axis), attention_size 1 and query_size 1, and a single
# position last (where every softmax over the positions is 1, whatever the scores).
_SIZES = [(3, 5, 4, 6, 7), (2, 4, 3, 2, 5), (1, 7, 2, 3, 4), (1, 3, 2, 1, 3), (2, 4, 1, 3, 1), (4, 1, 3, 2, 5)]


def _cases():
    gen = torch.Generator().manual_seed(20)
    cases = []
    for B, T, Q, K, A in _SIZES:
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
            (lambda *a: _additive_attention(*a, values=lambda keys, W_k: keys @ W_k.T),
             "the context averaged over the projected keys W_k h_j instead of the keys h_j themselves"),
            (lambda *a: _additive_attention(*a, v_inside=True),
             "the tanh applied after v, tanh(v^T (W_q q + W_k k_j)), instead of v^T tanh(W_q q + W_k k_j)"),
            (lambda *a: _additive_attention(*a, with_query=False),
             "the query left out of the score: e_j = v^T tanh(W_k k_j) is the same at every output step"),
            (lambda *a: _additive_attention(*a, normalise="log"), "log_softmax where the weights need softmax"),
        ],
        # float32 rounding of a right answer stays far inside this; every mistake above is far outside
        atol=1e-5,
        rtol=1e-4,
    )
