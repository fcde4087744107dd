"""Checkers for the exercises of chapter 7 (the input gate and the candidate)."""

from __future__ import annotations

import torch

from ._harness import case, check_function, guarded
from .ch01 import dtype_hint
from .ch05 import random_lstm_cell

__all__ = ["check_written_amount"]


def _by_hand(cell, x, *, order="ifgo", candidate=torch.tanh, carry=True, carry_c=True):
    """Every step of an LSTM cell along ``x``, by hand: a dict of (batch, time, hidden) tensors
    (``c_prev`` holds C_{t-1} at every step t)."""
    W_x, W_h, b = cell.weight_x.detach(), cell.weight_h.detach(), cell.bias.detach()
    h = x.new_zeros(x.shape[0], cell.hidden_size)
    c = torch.zeros_like(h)
    steps = {name: [] for name in "ifgoch"}
    steps["c_prev"] = []
    for x_t in x.unbind(1):
        if not carry:  # every step as if it were the first
            h, c = torch.zeros_like(h), torch.zeros_like(c)
        if not carry_c:
            c = torch.zeros_like(c)
        steps["c_prev"].append(c)
        z = x_t @ W_x.T + h @ W_h.T + b
        parts = dict(zip(order, z.chunk(4, dim=1), strict=True))
        i_t, f_t, o_t = (torch.sigmoid(parts[k]) for k in "ifo")
        g_t = candidate(parts["g"])
        c = f_t * c + i_t * g_t
        h = o_t * torch.tanh(c)
        for name, value in zip("ifgoch", (i_t, f_t, g_t, o_t, c, h), strict=True):
            steps[name].append(value)
    return {name: torch.stack(values, dim=1) for name, values in steps.items()}


def _written_amount(cell, x, **variant):
    s = _by_hand(cell, x, **variant)
    return s["i"] * s["g"]


def _one_step_late(cell, x):
    written = _written_amount(cell, x)
    return torch.cat([torch.zeros_like(written[:, :1]), written[:, :-1]], dim=1)


def _one_step_early(cell, x):
    written = _written_amount(cell, x)
    return torch.cat([written[:, 1:], torch.zeros_like(written[:, :1])], dim=1)


def _cases():
    gen = torch.Generator().manual_seed(7)
    cases = []
    # hidden 3 first (a wrong block of rows is then not row 0 alone); batch 1, input 1, hidden 1 later
    for batch, steps, inputs, hidden in [(3, 5, 2, 3), (1, 6, 2, 1), (2, 7, 4, 2), (2, 4, 1, 2)]:
        cell = random_lstm_cell(gen, inputs, hidden)
        x = torch.randn(batch, steps, inputs, generator=gen, dtype=torch.float64)
        cases.append(case(cell, x, description=f"an LSTMCell({inputs}, {hidden}) and x of shape {list(x.shape)}"))
    return cases


def _gate_times(first, second):
    return lambda cell, x: (lambda s: s[first] * s[second])(_by_hand(cell, x))


@guarded
def check_written_amount(written_amount) -> bool:
    """Check ``written_amount(cell, x) -> i_t * g_t`` at every step, shape (batch, time, hidden)."""
    return check_function(
        dtype_hint(written_amount) if callable(written_amount) else written_amount,
        _written_amount,
        _cases(),
        name="written_amount",
        mistakes=[
            (_gate_times("f", "g"), "the forget gate f_t where the input gate i_t belongs"),
            (_gate_times("o", "g"), "the output gate o_t where the input gate i_t belongs"),
            (_gate_times("i", "c"), "the cell state C_t where the candidate (g_t) belongs"),
            (lambda cell, x: _by_hand(cell, x)["i"], "the input gate i_t alone, without the candidate"),
            (lambda cell, x: _by_hand(cell, x)["g"], "the candidate alone, without the input gate"),
            (lambda cell, x: _written_amount(cell, x, candidate=torch.sigmoid),
             "a sigmoid where the candidate's tanh belongs"),
            (lambda cell, x: _written_amount(cell, x, order="ifog"),
             "the candidate taken from the output gate's rows (the order is i, f, g, o)"),
            (lambda cell, x: _written_amount(cell, x, order="figo"),
             "the input and forget gates' rows swapped (the order is i, f, g, o)"),
            (lambda cell, x: _written_amount(cell, x, carry=False),
             "every step computed from a zero state instead of the previous step's h_{t-1} and C_{t-1}"),
            (lambda cell, x: _written_amount(cell, x, carry_c=False),
             "the cell state reset to 0 at every step while h_{t-1} is carried: C_t = f_t * C_{t-1} + i_t * g_t "
             "needs the previous step's C_{t-1}"),
            (lambda cell, x: _by_hand(cell, x)["c"], "the new cell state C_t itself, not what is written to it"),
            (lambda cell, x: _by_hand(cell, x)["h"], "the hidden states h_t, not what is written to the cell state"),
            (lambda cell, x: (lambda s: s["f"] * s["c_prev"])(_by_hand(cell, x)),
             "f_t * C_{t-1}, what is kept, not what is written (i_t * g_t)"),
            (_one_step_late, "the amounts shifted by one step (step t shows what was written at t - 1)"),
            (_one_step_early, "the amounts shifted by one step (step t shows what was written at t + 1)"),
        ],
    )
