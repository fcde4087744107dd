"""Checkers for the exercises of chapter 10 (the whole cell)."""

from __future__ import annotations

import torch

from ._harness import case, check_function, guarded

__all__ = ["check_lstm_step"]


def _lstm_step(x_t, h_prev, c_prev, W_x, W_h, b, *, order="ifgo", candidate=torch.tanh, squash=torch.tanh):
    z = x_t @ W_x.T + h_prev @ W_h.T + b
    parts = dict(zip(order, z.chunk(4, dim=1), strict=True))
    i_t, f_t, o_t = (torch.sigmoid(parts[k]) for k in "ifo")
    g_t = candidate(parts["g"])
    c_t = f_t * c_prev + i_t * g_t
    h_t = o_t * squash(c_t)
    return h_t, c_t


def _cases():
    gen = torch.Generator().manual_seed(10)
    cases = []
    for batch, inputs, hidden in [(1, 2, 3), (2, 3, 5), (4, 1, 2)]:
        def r(*shape):
            return torch.randn(*shape, generator=gen, dtype=torch.float64)

        cases.append(case(r(batch, inputs), r(batch, hidden), r(batch, hidden),
                          r(4 * hidden, inputs), r(4 * hidden, hidden), r(4 * hidden)))
    return cases


@guarded
def check_lstm_step(lstm_step) -> bool:
    """Check ``lstm_step(x_t, h_prev, c_prev, W_x, W_h, b) -> (h_t, c_t)``, gates stacked i, f, g, o."""
    return check_function(
        lstm_step,
        _lstm_step,
        _cases(),
        name="lstm_step",
        outputs=("h_t", "c_t"),
        mistakes=[
            (lambda *a: _lstm_step(*a, order="ifog"), "the layers taken in the order i, f, o, g instead of i, f, g, o"),
            (lambda *a: _lstm_step(*a, order="figo"), "the layers taken in the order f, i, g, o instead of i, f, g, o"),
            (lambda *a: _lstm_step(*a, candidate=torch.sigmoid), "a sigmoid where the candidate's tanh belongs"),
            (lambda *a: _lstm_step(*a, squash=lambda c: c), "h_t = o_t * c_t, without the tanh on the cell state"),
            (lambda *a: _lstm_step(*a)[::-1], "(c_t, h_t) returned in place of (h_t, c_t)"),
        ],
    )
