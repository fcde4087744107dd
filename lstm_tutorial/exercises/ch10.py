"""Checkers for the exercises of chapter 10 (the whole cell)."""

from __future__ import annotations

import itertools

import torch

from ._harness import case, check_function, guarded
from .ch01 import dtype_hint

__all__ = ["check_lstm_step"]


def _lstm_step(x_t, h_prev, c_prev, W_x, W_h, b, *, order="ifgo", candidate=torch.tanh, squash=torch.tanh,
               gate=torch.sigmoid, bias=1, keep=True, write=True, swap_inputs=False, transpose_x=True,
               old_c_out=False):
    if swap_inputs:  # W_x applied to h_{t-1} and W_h to x_t
        z = h_prev @ W_x.T + x_t @ W_h.T
    else:
        z = x_t @ (W_x.T if transpose_x else W_x) + h_prev @ W_h.T
    z = z + bias * b
    parts = dict(zip(order, z.chunk(4, dim=1), strict=True))
    i_t, f_t, o_t = (gate(parts[k]) for k in "ifo")
    g_t = candidate(parts["g"])
    c_t = (f_t * c_prev if keep else c_prev) + (i_t * g_t if write else g_t)
    h_t = o_t * squash(c_prev if old_c_out else c_t)
    return h_t, c_t


def _cases():
    gen = torch.Generator().manual_seed(10)
    cases = []
    # hidden 3 first; then batch 1, input 1, hidden 1; input = hidden (W_x and W_h swapped runs); input = 4H
    # (x_t @ W_x without the transpose runs); batch 4 (a chunk along the batch axis runs)
    for batch, inputs, hidden in [(2, 2, 3), (1, 2, 3), (4, 1, 2), (3, 3, 1), (2, 3, 3), (2, 4, 1)]:
        def r(*shape):
            return torch.randn(*shape, generator=gen, dtype=torch.float64)

        cases.append(case(r(batch, inputs), r(batch, hidden), r(batch, hidden),
                          r(4 * hidden, inputs), r(4 * hidden, hidden), r(4 * hidden)))
    return cases


def _variant(**options):
    return lambda *a: _lstm_step(*a, **options)


def _mistakes():
    orders = ["".join(p) for p in itertools.permutations("ifgo") if "".join(p) != "ifgo"]
    return [
        *[(_variant(order=o), f"the layers taken in the order {', '.join(o)} instead of i, f, g, o") for o in orders],
        (_variant(candidate=torch.sigmoid), "a sigmoid where the candidate's tanh belongs"),
        (_variant(gate=torch.tanh), "a tanh where the gates' sigmoid belongs"),
        (_variant(squash=lambda c: c), "h_t = o_t * c_t, without the tanh on the cell state"),
        (_variant(squash=torch.sigmoid), "a sigmoid where the tanh on the cell state belongs"),
        (_variant(old_c_out=True), "h_t computed from the old cell state c_prev instead of the new c_t"),
        (_variant(keep=False), "c_t = c_prev + i_t * g_t, without the forget gate"),
        (_variant(write=False), "c_t = f_t * c_prev + g_t, without the input gate"),
        (_variant(bias=0), "the bias b left out"),
        (_variant(bias=2), "the bias added twice (b is one vector here, added once)"),
        (_variant(swap_inputs=True), "W_x applied to h_prev and W_h to x_t"),
        (_variant(transpose_x=False), "x_t @ W_x without the transpose (the product is x_t @ W_x.T)"),
        (lambda *a: _lstm_step(*a)[::-1], "(c_t, h_t) returned in place of (h_t, c_t)"),
    ]


@guarded
def check_lstm_step(lstm_step) -> bool:
    """Check ``lstm_step(x_t, h_prev, c_prev, W_x, W_h, b) -> (h_t, c_t)``, gates stacked i, f, g, o."""
    return check_function(
        dtype_hint(lstm_step) if callable(lstm_step) else lstm_step,
        _lstm_step,
        _cases(),
        name="lstm_step",
        outputs=("h_t", "c_t"),
        mistakes=_mistakes(),
    )
