"""Checkers for the exercises of chapter 9 (the output gate)."""

from __future__ import annotations

import torch

from ._harness import case, check_function, guarded

__all__ = ["check_hidden_by_hand"]


def _hidden_by_hand(o, c):
    return o * torch.tanh(c)


def _previous(c):
    """C_{t-1} at every step t, with C_{-1} = 0."""
    return torch.cat([torch.zeros_like(c[:, :1]), c[:, :-1]], dim=1)


def _cases():
    gen = torch.Generator().manual_seed(9)
    cases = []
    for batch, steps, hidden in [(1, 8, 1), (2, 5, 3), (3, 4, 2)]:
        o = torch.sigmoid(2 * torch.randn(batch, steps, hidden, generator=gen, dtype=torch.float64))
        c = 2 * torch.randn(batch, steps, hidden, generator=gen, dtype=torch.float64)
        cases.append(case(o, c))
    return cases


@guarded
def check_hidden_by_hand(hidden_by_hand) -> bool:
    """Check ``hidden_by_hand(o, c) -> h``, h_t = o_t * tanh(C_t) at every step, all (batch, time, hidden)."""
    return check_function(
        hidden_by_hand,
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
            (lambda o, c: torch.tanh(c), "the output gate left out"),
        ],
    )
