"""Checkers for the exercises of chapter 13 (the GRU)."""

from __future__ import annotations

import copy

import torch

from ..gru import GRUCell
from ..rnn import RNNCell
from ..unroll import record_gates, unroll
from ._harness import case, check_function, guarded, report
from .ch12 import random_cell, returns_cell

__all__ = ["check_make_forms_agree", "check_matched_lstm_units", "check_rnn_from_gru"]


# -- ex-gru-diagonal: the paper's form and PyTorch's agree when W_hn is diagonal and b_hn = 0 --------------


def _paper_step(x_t, h_prev, cell):
    """One GRU step in the form of Cho et al.: the reset gate acts before the hidden weights."""
    x_r, x_z, x_n = cell.project(x_t).chunk(3, dim=1)
    U_r, U_z, U_n = cell.weight_h.chunk(3, dim=0)
    b_r, b_z, b_n = cell.bias_h.chunk(3)
    r_t = torch.sigmoid(x_r + h_prev @ U_r.T + b_r)
    z_t = torch.sigmoid(x_z + h_prev @ U_z.T + b_z)
    n_t = torch.tanh(x_n + (r_t * h_prev) @ U_n.T + b_n)
    return (1 - z_t) * n_t + z_t * h_prev


def _make_forms_agree(cell, *, block=2, diagonal=True, zero_bias=True, hold_reset=False):
    cell = copy.deepcopy(cell)
    H = cell.hidden_size
    rows = slice(block * H, (block + 1) * H)
    with torch.no_grad():
        if diagonal:
            cell.weight_h[rows] = torch.diag(torch.diagonal(cell.weight_h[rows]))
        if zero_bias:
            cell.bias_h[rows] = 0.0
        if hold_reset:
            cell.bias[:H] = 50.0
    return cell


def _parameters(build):
    def run(cell):
        built = build(copy.deepcopy(cell))
        return tuple(p.detach() for p in (built.weight_x, built.weight_h, built.bias, built.bias_h))

    return run


def _forms_cases():
    gen = torch.Generator().manual_seed(13)
    cases = []
    for inputs, hidden in [(3, 5), (2, 1), (4, 3)]:
        cell = random_cell(GRUCell, gen, inputs, hidden)
        cases.append(case(cell, description=f"a GRUCell({inputs}, {hidden})"))
    return cases


_FORMS_MISTAKES = [
    (lambda c: _make_forms_agree(c, zero_bias=False),
     "b_hn left as it was: with b_hn ≠ 0 the candidates still differ by (1 - r_t) * b_hn"),
    (lambda c: _make_forms_agree(c, diagonal=False), "W_hn left as it was: it must be diagonal"),
    (lambda c: _make_forms_agree(c, diagonal=False, zero_bias=False, hold_reset=True),
     "the reset gate held open (r_t = 1): that is the chapter's case, not one that holds for every r_t"),
    (lambda c: _make_forms_agree(c, block=0),
     "the reset gate's block (the first H rows) changed instead of the candidate's (the last H rows)"),
    (lambda c: _make_forms_agree(c, block=1),
     "the update gate's block (rows H to 2H) changed instead of the candidate's (the last H rows)"),
]


@guarded
def check_make_forms_agree(make_forms_agree) -> bool:
    """Check ``make_forms_agree(cell) -> GRUCell`` in which the paper's form equals PyTorch's for every r_t.

    First the behaviour: on many inputs, with the reset gate taking many values, the two forms
    must agree. Then the contract: only W_hn's off-diagonal entries and b_hn may change.
    """
    name = "make_forms_agree"
    cases = _forms_cases()
    gen = torch.Generator().manual_seed(130)
    for c in cases:
        cell = c.args[0]
        if not returns_cell(make_forms_agree, cell, GRUCell, name):
            return False
        built = make_forms_agree(copy.deepcopy(cell))
        x_t = 2 * torch.randn(256, cell.input_size, generator=gen, dtype=torch.float64)
        h_prev = 2 * torch.randn(256, cell.hidden_size, generator=gen, dtype=torch.float64)
        with torch.no_grad(), record_gates(built) as gates:
            pytorch = built(x_t, h_prev)
        with torch.no_grad():
            gap = (_paper_step(x_t, h_prev, built) - pytorch).abs().max().item()
        if gap > 1e-10:
            hint = _which_mistake(built, cell)
            return report(False, "", f"{name}: the paper's form and PyTorch's still differ by up to {gap:.3g} "
                          f"(on {c.description}).{hint}")
        r_t = gates["r"]
        if r_t.min() > 1 - 1e-9 or r_t.max() < 1e-9:
            return report(False, "", f"{name}: the forms agree only because the reset gate is held at "
                          f"r_t = {r_t.mean().item():.0f} (on {c.description}). Find a case that holds for "
                          "every value of r_t, without touching the gates.")
    return check_function(
        _parameters(make_forms_agree),
        _parameters(_make_forms_agree),
        cases,
        name=name,
        outputs=("weight_x", "weight_h (only the off-diagonal entries of its last H rows may change)", "bias",
                 "bias_h (only its last H entries may change)"),
        mistakes=[(_parameters(wrong), what) for wrong, what in [
            *_FORMS_MISTAKES,
            (_zeroed, "W_hn set to zero: keep its diagonal"),
        ]],
    )


def _zeroed(cell):
    cell = _make_forms_agree(cell)
    with torch.no_grad():
        cell.weight_h[2 * cell.hidden_size:] = 0.0
    return cell


def _which_mistake(built, cell) -> str:
    got = _parameters(lambda c: built)(cell)
    for wrong, what in _FORMS_MISTAKES:
        expected = _parameters(wrong)(cell)
        if all(torch.allclose(e, g) for e, g in zip(expected, got, strict=True)):
            return f" It matches what you get with {what}."
    return ""


# -- ex-gru-contains-rnn: with r_t = 1 and z_t = 0, a GRU is a tanh RNN -------------------------------------


def _rnn_from_gru(gru, *, block=2, bias="both", transpose=False):
    H = gru.hidden_size
    rows = slice(block * H, (block + 1) * H)
    rnn = RNNCell(gru.input_size, H).double()
    b = {"both": gru.bias[rows] + gru.bias_h[rows], "input": gru.bias[rows], "hidden": gru.bias_h[rows]}[bias]
    with torch.no_grad():
        rnn.weight_x.copy_(gru.weight_x[rows])
        rnn.weight_h.copy_(gru.weight_h[rows].T if transpose else gru.weight_h[rows])
        rnn.bias.copy_(b)
    return rnn


def _held_gru(gen, inputs, hidden):
    """A GRU with random weights whose reset gate is held open (r_t = 1) and update gate shut (z_t = 0)."""
    gru = random_cell(GRUCell, gen, inputs, hidden, scale=0.5)
    with torch.no_grad():
        gru.bias[:hidden] = 50.0
        gru.bias[hidden:2 * hidden] = -50.0
    return gru


def _sequence(build):
    def run(gru, x):
        return unroll(build(copy.deepcopy(gru)), x)[0].detach()

    return run


def _rnn_cases():
    gen = torch.Generator().manual_seed(31)
    cases = []
    for batch, inputs, hidden in [(2, 3, 5), (1, 1, 2), (3, 2, 4)]:
        gru = _held_gru(gen, inputs, hidden)
        x = torch.randn(batch, 20, inputs, generator=gen, dtype=torch.float64)
        cases.append(case(gru, x, description=(
            f"a GRUCell({inputs}, {hidden}) with r_t = 1 and z_t = 0, run on x of shape {list(x.shape)}")))
    return cases


@guarded
def check_rnn_from_gru(rnn_from_gru) -> bool:
    """Check ``rnn_from_gru(gru) -> lt.RNNCell`` computing what ``gru`` (gates held: r_t = 1, z_t = 0) computes."""
    name = "rnn_from_gru"
    cases = _rnn_cases()
    if not returns_cell(rnn_from_gru, cases[0].args[0], RNNCell, name):
        return False
    return check_function(
        _sequence(rnn_from_gru),
        _sequence(_rnn_from_gru),
        cases,
        name=name,
        mistakes=[(_sequence(wrong), what) for wrong, what in [
            (lambda g: _rnn_from_gru(g, bias="input"), "the bias b_in alone: the RNN's bias is b_in + b_hn"),
            (lambda g: _rnn_from_gru(g, bias="hidden"), "the bias b_hn alone: the RNN's bias is b_in + b_hn"),
            (lambda g: _rnn_from_gru(g, block=0),
             "the reset gate's rows (the first block) where the candidate's (the last block) belong"),
            (lambda g: _rnn_from_gru(g, block=1),
             "the update gate's rows (the second block) where the candidate's (the last block) belong"),
            (lambda g: _rnn_from_gru(g, transpose=True), "a transposed hidden weight W_hn.T"),
        ]],
    )


# -- ex-gru-matched: the largest nn.LSTM within a GRU's parameter count ------------------------------------


def _lstm_params(input_size, hidden, biases=2):
    return 4 * (hidden * (input_size + hidden) + biases * hidden)


def _matched(input_size, gru_hidden, *, lstm_biases=2, gru_biases=2, strict=False):
    budget = 3 * (gru_hidden * (input_size + gru_hidden) + gru_biases * gru_hidden)
    H = 0
    while True:
        count = _lstm_params(input_size, H + 1, lstm_biases)
        if count > budget or (strict and count == budget):
            return H
        H += 1


@guarded
def check_matched_lstm_units(matched_lstm_units) -> bool:
    """Check ``matched_lstm_units(input_size, gru_hidden) -> H``, the most units an ``nn.LSTM`` can have
    without more parameters than an ``nn.GRU`` with ``gru_hidden`` units."""
    # (2, 28) and (6, 12): an LSTM with exactly the GRU's parameter count exists
    cases = [case(2, 32), case(8, 64), case(1, 5), case(2, 28), case(100, 256), case(6, 12)]
    return check_function(
        matched_lstm_units,
        _matched,
        cases,
        name="matched_lstm_units",
        mistakes=[
            (lambda n_in, n_h: _matched(n_in, n_h, lstm_biases=1),
             "the book's LSTMCell count (one bias per block) where nn.LSTM's (two per block) belongs"),
            # before the GRU's bias: where an LSTM fits exactly, the two give the same number
            (lambda n_in, n_h: _matched(n_in, n_h, strict=True),
             "strictly fewer parameters (< where <= belongs): an LSTM may have exactly the GRU's count"),
            (lambda n_in, n_h: _matched(n_in, n_h, gru_biases=1),
             "the GRU counted with one bias per block instead of two"),
            (lambda n_in, n_h: _matched(n_in, n_h) + 1,
             "an off-by-one: the smallest LSTM that exceeds the budget instead of the largest that fits"),
            (lambda n_in, n_h: int(0.75 * n_h), "3/4 of the GRU's units: the ratio 3/4 holds for parameter counts"),
            (lambda n_in, n_h: _matched(n_in, n_h) - 1, "an off-by-one: one unit fewer than fits"),
        ],
    )
