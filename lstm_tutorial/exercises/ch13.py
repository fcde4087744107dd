"""Checkers for the exercises of chapter 13 (the GRU)."""

from __future__ import annotations

import copy
import math

import torch

from ..cells.gru import GRUCell
from ..cells.rnn import RNNCell
from ..cells.unroll import unroll
from ._harness import Case, call_student, guarded
from .ch12 import as_number, changed_in_place, check_cells, random_cell, returns_cell, verdict

__all__ = ["check_make_forms_agree", "check_matched_lstm_units", "check_rnn_from_gru"]


# -- ex-gru-diagonal: the paper's form and PyTorch's agree when W_hn is diagonal and b_hn = 0 --------------


def _weights(cell):
    """The four parameters of a GRU cell, detached: (weight_x, weight_h, bias, bias_h)."""
    return tuple(getattr(cell, k).detach() for k in ("weight_x", "weight_h", "bias", "bias_h"))


def _both_forms(weights, x_t, h_prev):
    """PyTorch's step, the paper's step (reset before the hidden weights) and the reset gate, computed
    from the weights alone (no method of the student's cell is called)."""
    w_x, w_h, b, b_h = weights
    x_r, x_z, x_n = (x_t @ w_x.T + b).chunk(3, dim=1)
    U_r, U_z, U_n = w_h.chunk(3, dim=0)
    b_r, b_z, b_n = b_h.chunk(3)
    r_t = torch.sigmoid(x_r + h_prev @ U_r.T + b_r)
    z_t = torch.sigmoid(x_z + h_prev @ U_z.T + b_z)
    pytorch = torch.tanh(x_n + r_t * (h_prev @ U_n.T + b_n))
    paper = torch.tanh(x_n + (r_t * h_prev) @ U_n.T + b_n)
    mix = lambda n_t: (1 - z_t) * n_t + z_t * h_prev  # noqa: E731
    return mix(pytorch), mix(paper), r_t


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


def _forms_cases():
    gen = torch.Generator().manual_seed(13)
    cases = []
    for inputs, hidden in [(3, 5), (2, 1), (1, 3), (4, 2)]:
        cell = random_cell(GRUCell, gen, inputs, hidden)
        cases.append(Case((cell,), {}, f"a GRUCell({inputs}, {hidden})"))
    return cases


def _zeroed(cell):
    cell = _make_forms_agree(cell)
    with torch.no_grad():
        cell.weight_h[2 * cell.hidden_size:] = 0.0
    return cell


def _diagonal_everywhere(cell):
    cell = _make_forms_agree(cell)
    H = cell.hidden_size
    with torch.no_grad():
        for k in range(2):
            block = cell.weight_h[k * H:(k + 1) * H]
            block.copy_(torch.diag(torch.diagonal(block)))
    return cell


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
    (_zeroed, "W_hn set to zero: keep its diagonal"),
    (_diagonal_everywhere, "every block of weight_h made diagonal: only W_hn, the last H rows, must change"),
]


@guarded
def check_make_forms_agree(make_forms_agree) -> bool:
    """Check ``make_forms_agree(cell) -> GRUCell`` in which the paper's form equals PyTorch's for every r_t.

    For each cell: what came back must be an ``lt.GRUCell`` of the same sizes and dtype, and the
    cell given must be unchanged (a copy is asked for). Then the behaviour, computed from the
    returned weights alone: on many inputs, with the reset gate taking many values, the two forms
    must agree. Then the contract: only W_hn's off-diagonal entries and b_hn may change.
    """
    name = "make_forms_agree"
    cases = _forms_cases()
    gen = torch.Generator().manual_seed(130)
    ons, expected, got = [], [], []
    for number, c in enumerate(cases, start=1):
        on = f"on input {number} of {len(cases)}: {c.description}"
        cell = c.args[0]
        theirs = copy.deepcopy(cell)
        built = returns_cell(make_forms_agree, theirs, GRUCell, name, on=on)
        if built is None:
            return False
        if changed_in_place(name, cell, theirs, on, "return a changed copy (copy.deepcopy(cell)) and leave the "
                            "cell it was given as it was."):
            return False
        weights = _weights(built)
        x_t = 2 * torch.randn(256, cell.input_size, generator=gen, dtype=torch.float64)
        h_prev = 2 * torch.randn(256, cell.hidden_size, generator=gen, dtype=torch.float64)
        with torch.no_grad():
            pytorch, paper, r_t = _both_forms(weights, x_t, h_prev)
        gap = (paper - pytorch).abs().max().item()
        if not gap <= 1e-10:
            hint = _which_mistake(weights, cell)
            print(f"✗ {name}: the paper's form and PyTorch's still differ by up to {gap:.3g} ({on}).{hint}")
            return False
        if r_t.min() > 1 - 1e-9 or r_t.max() < 1e-9:
            print(f"✗ {name}: the forms agree only because the reset gate is held at r_t = "
                  f"{r_t.mean().item():.0f} ({on}). Find a case that holds for every value of r_t, without "
                  "touching the gates.")
            return False
        ons.append(on)
        expected.append(_weights(_make_forms_agree(cell)))
        got.append(weights)
    return verdict(
        name, ons, expected, got,
        [(lambda k, w=wrong: _weights(w(cases[k].args[0])), what) for wrong, what in _FORMS_MISTAKES],
        atol=1e-10, rtol=0,
        outputs=("weight_x (it should not change)",
                 "weight_h (only the off-diagonal entries of its last H rows may change)",
                 "bias (it should not change)", "bias_h (only its last H entries may change)"),
    )


def _which_mistake(weights, cell) -> str:
    for wrong, what in _FORMS_MISTAKES:
        if all(torch.allclose(e, g) for e, g in zip(_weights(wrong(cell)), weights, strict=True)):
            return f" It matches what you get with {what}."
    return ""


# -- ex-gru-contains-rnn: with r_t = 1 and z_t = 0, a GRU is a tanh RNN -------------------------------------


def _rnn_from_gru(gru, *, block=2, bias="both", transpose=False):
    H = gru.hidden_size
    rows = slice(block * H, (block + 1) * H)
    with torch.random.fork_rng(devices=[]):
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


def _outputs(cell, x):
    return unroll(cell, x)[0]


def _rnn_cases():
    gen = torch.Generator().manual_seed(31)
    cases = []
    for batch, inputs, hidden in [(2, 3, 5), (1, 1, 2), (3, 2, 4), (2, 2, 1)]:
        gru = _held_gru(gen, inputs, hidden)
        x = torch.randn(batch, 20, inputs, generator=gen, dtype=torch.float64)
        cases.append(Case((gru, x), {}, (
            f"a GRUCell({inputs}, {hidden}) with r_t = 1 and z_t = 0, run on x of shape {list(x.shape)}")))
    return cases


_RNN_MISTAKES = [
    (lambda g: _rnn_from_gru(g, bias="input"), "the bias b_in alone: the RNN's bias is b_in + b_hn"),
    (lambda g: _rnn_from_gru(g, bias="hidden"), "the bias b_hn alone: the RNN's bias is b_in + b_hn"),
    (lambda g: _rnn_from_gru(g, block=0),
     "the reset gate's rows (the first block) where the candidate's (the last block) belong"),
    (lambda g: _rnn_from_gru(g, block=1),
     "the update gate's rows (the second block) where the candidate's (the last block) belong"),
    (lambda g: _rnn_from_gru(g, transpose=True), "a transposed hidden weight W_hn.T"),
]


@guarded
def check_rnn_from_gru(rnn_from_gru) -> bool:
    """Check ``rnn_from_gru(gru) -> lt.RNNCell`` computing what ``gru`` (gates held: r_t = 1, z_t = 0) computes."""
    return check_cells(rnn_from_gru, _rnn_from_gru, _rnn_cases(), kind=RNNCell, name="rnn_from_gru",
                       run=_outputs, mistakes=_RNN_MISTAKES, atol=1e-8, rtol=1e-6)


# -- ex-gru-matched: the largest nn.LSTM within a GRU's parameter count ------------------------------------


def _count(blocks, input_size, hidden, biases=2):
    """Parameters of a recurrent layer with ``blocks`` blocks of ``hidden`` rows: weights and bias vectors."""
    return blocks * (hidden * (input_size + hidden) + biases * hidden)


def _matched(input_size, gru_hidden, *, lstm_biases=2, gru_biases=2, lstm_blocks=4, gru_blocks=3,
             strict=False, lstm_input=None):
    budget = _count(gru_blocks, input_size, gru_hidden, gru_biases)
    reads = input_size if lstm_input is None else lstm_input
    H = 0
    while True:
        count = _count(lstm_blocks, reads, H + 1, lstm_biases)
        if count > budget or (strict and count == budget):
            return H
        H += 1


# Where the right count and the plausible wrong ones part (each row of _MATCHED_MISTAKES gives, over
# these inputs, results that differ from the right ones and from every other row's): the chapter's
# question first; (2, 28), (6, 12) and (1, 14) admit an LSTM with exactly the GRU's count, where
# "<" and "<=" part; the small GRUs with one input tell the bias counts apart (at 32 or 64 units one
# bias vector more or less per block rarely changes the answer).
_MATCHED_CASES = [(2, 32), (8, 64), (1, 5), (2, 28), (100, 256), (6, 12), (1, 7), (1, 4), (1, 14), (1, 17)]

_MATCHED_MISTAKES = [
    (dict(lstm_biases=1), "the book's LSTMCell count (one bias per block) where nn.LSTM's (two per block) belongs"),
    (dict(gru_biases=1), "the GRU counted with one bias per block instead of two"),
    (dict(lstm_biases=1, gru_biases=1), "both models counted with one bias per block instead of two"),
    (dict(lstm_biases=0, gru_biases=0), "both models counted without their bias vectors"),
    (dict(lstm_biases=0), "the LSTM counted without its bias vectors"),
    (dict(gru_biases=0), "the GRU counted without its bias vectors"),
    (dict(gru_blocks=4), "both models counted with the same number of blocks (4 for the GRU, or 3 for the "
                         "LSTM): the GRU has 3 blocks (r, z, n), the LSTM 4 (i, f, g, o)"),
    (dict(strict=True), "strictly fewer parameters (< where <= belongs): an LSTM may have exactly the GRU's count"),
    (dict(lstm_biases=1, strict=True), "the book's LSTMCell count (one bias per block) and < where <= belongs"),
    (dict(gru_biases=1, strict=True), "the GRU counted with one bias per block, and < where <= belongs"),
    (dict(lstm_input=0), "the LSTM's input weights left out of its count"),
]


def _matched_mistakes():
    found = [((lambda i, h, kw=kw: _matched(i, h, **kw)), what) for kw, what in _MATCHED_MISTAKES]
    return found + [
        (lambda i, h: _matched(i, h) + 1,
         "an off-by-one: the smallest LSTM that exceeds the budget instead of the largest that fits"),
        (lambda i, h: _matched(i, h) - 1, "an off-by-one: one unit fewer than fits"),
        (lambda i, h: int(0.75 * h), "3/4 of the GRU's units: the ratio 3/4 holds for parameter counts"),
        (lambda i, h: round(0.75 * h), "3/4 of the GRU's units: the ratio 3/4 holds for parameter counts"),
        (lambda i, h: int(math.sqrt(0.75) * h),
         "sqrt(3/4) times the GRU's units: that is only where H is so large that the H * H weights "
         "are all that count; find the largest H whose count fits"),
        (lambda i, h: round(math.sqrt(0.75) * h),
         "sqrt(3/4) times the GRU's units: that is only where H is so large that the H * H weights "
         "are all that count; find the largest H whose count fits"),
    ]


@guarded
def check_matched_lstm_units(matched_lstm_units) -> bool:
    """Check ``matched_lstm_units(input_size, gru_hidden) -> H``, the most units an ``nn.LSTM`` can have
    without more parameters than an ``nn.GRU`` with ``gru_hidden`` units."""
    name = "matched_lstm_units"
    ons, expected, got = [], [], []
    for number, (inputs, hidden) in enumerate(_MATCHED_CASES, start=1):
        on = f"on input {number} of {len(_MATCHED_CASES)}: input_size={inputs}, gru_hidden={hidden}"
        ok, result = call_student(matched_lstm_units, name, inputs, hidden, on=on)
        if not ok:
            return False
        ons.append(on)
        expected.append(_matched(inputs, hidden))
        got.append(as_number(result))
    mistakes = [(lambda k, w=wrong: w(*_MATCHED_CASES[k]), what) for wrong, what in _matched_mistakes()]
    return verdict(name, ons, expected, got, mistakes, atol=0, rtol=0)
