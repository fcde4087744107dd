"""Checkers for the exercises of chapter 9 (the output gate)."""

from __future__ import annotations

import torch

from ._harness import case, check_function, guarded
from .ch01 import dtype_hint

__all__ = ["check_hidden_by_hand"]


def _hidden_by_hand(o, c):
    return o * torch.tanh(c)


def _previous(c):
    """C_{t-1} at every step t, with C_{-1} = 0."""
    return torch.cat([torch.zeros_like(c[:, :1]), c[:, :-1]], dim=1)


def _next(c):
    """C_{t+1} at every step t, with 0 after the last."""
    return torch.cat([c[:, 1:], torch.zeros_like(c[:, :1])], dim=1)


def _cases():
    gen = torch.Generator().manual_seed(9)
    cases = []
    # |C| up to about 6, where tanh, a clamp to [-1, 1] and C itself all differ; hidden 3 first,
    # then batch 1 with one unit (a squeeze shows there) and a single time step
    for batch, steps, hidden in [(2, 5, 3), (1, 8, 1), (3, 4, 2), (2, 1, 4)]:
        o = torch.sigmoid(2 * torch.randn(batch, steps, hidden, generator=gen, dtype=torch.float64))
        c = 2 * torch.randn(batch, steps, hidden, generator=gen, dtype=torch.float64)
        cases.append(case(o, c))
    return cases


@guarded
def check_hidden_by_hand(hidden_by_hand) -> bool:
    """Check ``hidden_by_hand(o, c) -> h``, h_t = o_t * tanh(C_t) at every step, all (batch, time, hidden)."""
    return check_function(
        dtype_hint(hidden_by_hand) if callable(hidden_by_hand) else hidden_by_hand,
        _hidden_by_hand,
        _cases(),
        name="hidden_by_hand",
        mistakes=[
            (lambda o, c: o * c, "h_t = o_t * C_t, without the tanh on the cell state"),
            (lambda o, c: o * torch.sigmoid(c), "a sigmoid where the tanh on the cell state belongs"),
            (lambda o, c: torch.tanh(o * c), "the tanh taken after the gate, tanh(o_t * C_t)"),
            (lambda o, c: torch.tanh(o) * c, "the tanh on the output gate instead of on the cell state"),
            (lambda o, c: o + torch.tanh(c), "a sum where the product o_t * tanh(C_t) belongs"),
            (lambda o, c: o * torch.tanh(_previous(c)),
             "the previous cell state C_{t-1} where the new C_t belongs (off by one step)"),
            (lambda o, c: o * torch.tanh(_next(c)),
             "the next cell state C_{t+1} where C_t belongs (off by one step)"),
            (lambda o, c: torch.tanh(c), "the output gate left out"),
            (lambda o, c: torch.tanh(o) * torch.tanh(c), "a tanh on the output gate as well as on the cell state"),
            (lambda o, c: o * torch.clamp(c, -1, 1), "C_t clipped to [-1, 1] where tanh(C_t) belongs"),
            (lambda o, c: (1 - o) * torch.tanh(c), "1 - o_t where the output gate o_t belongs"),
        ],
    )
