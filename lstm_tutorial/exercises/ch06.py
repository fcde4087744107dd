"""Checkers for the exercises of chapter 6 (the forget gate)."""

from __future__ import annotations

import torch

from ._harness import case, check_function, guarded
from .ch01 import dtype_hint
from .ch05 import random_lstm_cell

__all__ = ["check_forget_gate_by_hand"]


def _forget_gate_by_hand(cell, x_t, h_prev, *, block=1, phi=torch.sigmoid, recurrent=True, bias=True):
    H = cell.hidden_size
    rows = slice(block * H, (block + 1) * H)
    z = x_t @ cell.weight_x[rows].detach().T
    if recurrent:
        z = z + h_prev @ cell.weight_h[rows].detach().T
    if bias:
        z = z + cell.bias[rows].detach()
    return phi(z)


def _cases():
    gen = torch.Generator().manual_seed(6)
    cases = []
    for batch, inputs, hidden in [(1, 3, 1), (3, 2, 4), (2, 5, 3)]:
        cell = random_lstm_cell(gen, inputs, hidden)
        x_t = torch.randn(batch, inputs, generator=gen, dtype=torch.float64)
        h_prev = torch.tanh(torch.randn(batch, hidden, generator=gen, dtype=torch.float64))
        cases.append(case(cell, x_t, h_prev, description=(
            f"an LSTMCell({inputs}, {hidden}) with random weights, x_t of shape {list(x_t.shape)} and h_prev "
            f"of shape {list(h_prev.shape)}")))
    return cases


@guarded
def check_forget_gate_by_hand(forget_gate_by_hand) -> bool:
    """Check ``forget_gate_by_hand(cell, x_t, h_prev) -> f_t``, sigma(W_f [h_prev, x_t] + b_f) of an
    ``lt.LSTMCell`` from its weights: x_t (batch, input_size), h_prev and f_t (batch, hidden_size)."""
    return check_function(
        dtype_hint(forget_gate_by_hand) if callable(forget_gate_by_hand) else forget_gate_by_hand,
        _forget_gate_by_hand,
        _cases(),
        name="forget_gate_by_hand",
        mistakes=[
            (lambda c, x, h: _forget_gate_by_hand(c, x, h, block=0),
             "rows 0:H, the input gate's: the forget gate's rows are H:2*H (the order is i, f, g, o)"),
            (lambda c, x, h: _forget_gate_by_hand(c, x, h, block=2),
             "rows 2*H:3*H, the candidate's: the forget gate's rows are H:2*H (the order is i, f, g, o)"),
            (lambda c, x, h: _forget_gate_by_hand(c, x, h, block=3),
             "rows 3*H:4*H, the output gate's: the forget gate's rows are H:2*H (the order is i, f, g, o)"),
            (lambda c, x, h: _forget_gate_by_hand(c, x, h, phi=torch.tanh), "a tanh where the gate's sigmoid belongs"),
            (lambda c, x, h: _forget_gate_by_hand(c, x, h, phi=lambda z: z),
             "no sigmoid: the gate is σ(W_f [h_{t-1}, x_t] + b_f)"),
            (lambda c, x, h: _forget_gate_by_hand(c, x, h, recurrent=False),
             "h_prev left out (as if h_{t-1} were 0): after the first step the hidden state counts"),
            (lambda c, x, h: _forget_gate_by_hand(c, x, h, bias=False), "the bias b_f left out"),
        ],
    )
