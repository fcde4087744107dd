"""Checkers for the exercises of chapter 4 (the repeating module)."""

from __future__ import annotations

import torch
from torch import nn

from ..cells.lstm import LSTMCell
from ._harness import case, check_function, guarded
from .ch01 import as_number, dtype_tolerant, run_refusing

__all__ = ["check_first_forget_gate", "check_lstm_param_count"]


# -- ex-lstm-param-count: the parameters of lt.LSTMCell and of nn.LSTM -------------------------------------


def _lstm_param_count(input_size, hidden_size, torch_biases=False, *, layers=4, biases=None, recurrent=True,
                      bias_per_layer=True):
    H = hidden_size
    biases = (2 if torch_biases else 1) if biases is None else biases
    weights = H * (H + input_size) if recurrent else H * input_size
    if bias_per_layer:
        return layers * (weights + biases * H)
    return layers * weights + biases * H


def _count_cases():
    return [
        case(3, 5), case(1, 1), case(8, 64), case(100, 7),
        case(3, 5, torch_biases=True), case(8, 64, torch_biases=True), case(2, 9, torch_biases=True),
        case(1, 1, torch_biases=True), case(4, 2, torch_biases=False),
    ]


_LSTM_MODULES = [(nn.LSTM, "__init__"), (nn.LSTMCell, "__init__"), (LSTMCell, "__init__")]
_COUNT_BY_FORMULA = (
    "the answer builds an LSTM module to count its parameters: write the count as a formula in input_size, "
    "hidden_size and torch_biases (then compare it with the modules' own counts outside the function)"
)


@guarded
def check_lstm_param_count(lstm_param_count) -> bool:
    """Check ``lstm_param_count(input_size, hidden_size, torch_biases=False) -> n``: the parameters of
    ``lt.LSTMCell`` (one bias per layer), or with ``torch_biases=True`` of a one-layer ``nn.LSTM`` (two)."""
    answer = lstm_param_count
    if callable(answer):
        answer = as_number(run_refusing(answer, _LSTM_MODULES, _COUNT_BY_FORMULA))
    return check_function(
        answer,
        _lstm_param_count,
        _count_cases(),
        name="lstm_param_count",
        mistakes=[
            (lambda i, h, torch_biases=False: _lstm_param_count(i, h, biases=1),
             "torch_biases ignored: nn.LSTM keeps two biases per layer (bias_ih and bias_hh)"),
            (lambda i, h, torch_biases=False: _lstm_param_count(i, h, biases=2),
             "two biases per layer for lt.LSTMCell, which keeps one (two only with torch_biases=True)"),
            (lambda i, h, torch_biases=False: _lstm_param_count(i, h, torch_biases, layers=1),
             "one layer counted: the module has four (three gates and the candidate)"),
            (lambda i, h, torch_biases=False: _lstm_param_count(i, h, torch_biases, layers=3),
             "three layers counted, the three gates: the candidate's tanh layer has weights too"),
            (lambda i, h, torch_biases=False: _lstm_param_count(i, h, torch_biases, recurrent=False),
             "the recurrent weights W_h (hidden_size × hidden_size per layer) left out"),
            (lambda i, h, torch_biases=False: _lstm_param_count(i, h, torch_biases, biases=0),
             "the biases left out"),
            (lambda i, h, torch_biases=False: _lstm_param_count(i, h, torch_biases, bias_per_layer=False),
             "one bias for the whole module: each of the four layers has its own"),
            (lambda i, h, torch_biases=False: _lstm_param_count(h, i, torch_biases),
             "input_size and hidden_size swapped"),
            (lambda i, h, torch_biases=False: _lstm_param_count(i, h) + (h if torch_biases else 0),
             "with torch_biases=True, one extra bias of length hidden_size: nn.LSTM's second bias, bias_hh, has "
             "one entry per unit of each of the four layers (4 × hidden_size)"),
        ],
        atol=0.0,
        rtol=0.0,
    )


# -- ex-forget-rows: the forget gate of an nn.LSTM's first step, by hand ------------------------------------


def _first_forget_gate(torch_lstm, x, *, block=1, phi=torch.sigmoid, both_biases=True, step=0, weights="ih",
                       transpose=True, size=None):
    H = torch_lstm.hidden_size if size is None else size(torch_lstm)
    rows = slice(block * H, (block + 1) * H)
    W_xf = getattr(torch_lstm, f"weight_{weights}_l0")[rows].detach()
    b_f = torch_lstm.bias_ih_l0[rows].detach()
    if both_biases:
        b_f = b_f + torch_lstm.bias_hh_l0[rows].detach()
    return phi(x[:, step] @ (W_xf.T if transpose else W_xf) + b_f)


def _block(number: int):
    """The mistake "rows of block ``number``", named only where it means something: with hidden_size 1
    every wrong one-row slice is some block, so there it names nothing."""

    def wrong(m, x):
        if m.hidden_size == 1:
            raise ValueError("no hint at hidden_size 1")
        return _first_forget_gate(m, x, block=number)

    return wrong


_RUN_THE_LSTM = (
    "the answer runs an LSTM to read its forget gate: compute f_0 by hand from torch_lstm's weights (rows H:2*H of "
    "weight_ih_l0, bias_ih_l0 and bias_hh_l0), and use lt.record_gates only to compare afterwards"
)


def random_lstm(gen, input_size, hidden_size, scale=1.0):
    """A float64 one-layer ``nn.LSTM`` (batch_first) whose weights come from ``gen``."""
    with torch.random.fork_rng(devices=[]):
        lstm = nn.LSTM(input_size, hidden_size, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        for p in lstm.parameters():
            p.copy_(scale * torch.randn(p.shape, generator=gen, dtype=torch.float64))
    return lstm


def _forget_cases():
    gen = torch.Generator().manual_seed(4)
    cases = []
    # the first is square (input_size = hidden_size), so weight_hh or an untransposed weight gives numbers, not
    # an error; hidden 1 (with batch 1) comes late, where a wrong one-row slice can name no block
    for batch, steps, inputs, hidden in [(6, 5, 4, 4), (4, 2, 5, 3), (3, 4, 3, 2), (1, 3, 2, 1), (2, 1, 1, 2)]:
        lstm = random_lstm(gen, inputs, hidden)
        x = torch.randn(batch, steps, inputs, generator=gen, dtype=torch.float64)
        cases.append(case(lstm, x, description=(
            f"an nn.LSTM({inputs}, {hidden}, batch_first=True) and x of shape {list(x.shape)}")))
    return cases


@guarded
def check_first_forget_gate(first_forget_gate) -> bool:
    """Check ``first_forget_gate(torch_lstm, x) -> f_0``, the forget gate at step 0 (h_{-1} = 0) of a
    one-layer, batch-first ``nn.LSTM`` on x (batch, time, input_size); f_0 of shape (batch, hidden_size)."""
    answer = first_forget_gate
    if callable(answer):
        refused = [(nn.LSTM, "forward"), (nn.LSTMCell, "forward"), (LSTMCell, "step")]
        answer = dtype_tolerant(run_refusing(answer, refused, _RUN_THE_LSTM))
    return check_function(
        answer,
        _first_forget_gate,
        _forget_cases(),
        name="first_forget_gate",
        mistakes=[
            (_block(0), "the input gate's rows, the first block of H = hidden_size rows (0:H): the forget gate's "
             "are the second block, H:2*H (the order is i, f, g, o)"),
            (_block(2), "the candidate's rows, the third block of H = hidden_size rows (2*H:3*H): the forget "
             "gate's are the second block, H:2*H (the order is i, f, g, o)"),
            (_block(3), "the output gate's rows, the fourth block of H = hidden_size rows (3*H:4*H): the "
             "forget gate's are the second block, H:2*H (the order is i, f, g, o)"),
            (lambda m, x: _first_forget_gate(m, x, weights="hh"),
             "weight_hh_l0 where weight_ih_l0 belongs: at the first step h_{-1} = 0, so only the input weights "
             "act on x_0"),
            (lambda m, x: _first_forget_gate(m, x, transpose=False),
             "the weight used untransposed (x_0 @ W_f instead of x_0 @ W_f.T)"),
            (lambda m, x: _first_forget_gate(m, x, size=lambda m: m.input_size),
             "input_size where hidden_size belongs in the row slice: the blocks are hidden_size rows tall"),
            (lambda m, x: _first_forget_gate(m, x, both_biases=False),
             "bias_ih_l0 alone: nn.LSTM adds bias_hh_l0 as well"),
            (lambda m, x: _first_forget_gate(m, x, phi=torch.tanh), "a tanh where the gate's sigmoid belongs"),
            (lambda m, x: _first_forget_gate(m, x, phi=lambda z: z), "no sigmoid: the gate is σ(W_f x_0 + b_f)"),
            (lambda m, x: _first_forget_gate(m, x, step=-1),
             "the last step's input x[:, -1] where the first step's x[:, 0] belongs"),
            (lambda m, x: _first_forget_gate(m, x, step=1),
             "the second step's input x[:, 1] where the first step's x[:, 0] belongs"),
        ],
    )
