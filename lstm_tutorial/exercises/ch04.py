"""Checkers for the exercises of chapter 4 (the repeating module)."""

from __future__ import annotations

import torch
from torch import nn

from ._harness import case, check_function, guarded
from .ch01 import dtype_hint

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
    ]


@guarded
def check_lstm_param_count(lstm_param_count) -> bool:
    """Check ``lstm_param_count(input_size, hidden_size, torch_biases=False) -> n``: the parameters of
    ``lt.LSTMCell`` (one bias per layer), or with ``torch_biases=True`` of a one-layer ``nn.LSTM`` (two)."""
    return check_function(
        lstm_param_count,
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
        ],
        atol=0.0,
        rtol=0.0,
    )


# -- ex-forget-rows: the forget gate of an nn.LSTM's first step, by hand ------------------------------------


def _first_forget_gate(torch_lstm, x, *, block=1, phi=torch.sigmoid, both_biases=True, step=0):
    H = torch_lstm.hidden_size
    rows = slice(block * H, (block + 1) * H)
    W_xf = torch_lstm.weight_ih_l0[rows].detach()
    b_f = torch_lstm.bias_ih_l0[rows].detach()
    if both_biases:
        b_f = b_f + torch_lstm.bias_hh_l0[rows].detach()
    return phi(x[:, step] @ W_xf.T + b_f)


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
    for batch, steps, inputs, hidden in [(6, 5, 3, 4), (1, 3, 2, 1), (4, 2, 5, 3)]:
        lstm = random_lstm(gen, inputs, hidden)
        x = torch.randn(batch, steps, inputs, generator=gen, dtype=torch.float64)
        cases.append(case(lstm, x, description=(
            f"an nn.LSTM({inputs}, {hidden}, batch_first=True) and x of shape {list(x.shape)}")))
    return cases


@guarded
def check_first_forget_gate(first_forget_gate) -> bool:
    """Check ``first_forget_gate(torch_lstm, x) -> f_0``, the forget gate at step 0 (h_{-1} = 0) of a
    one-layer, batch-first ``nn.LSTM`` on x (batch, time, input_size); f_0 of shape (batch, hidden_size)."""
    return check_function(
        dtype_hint(first_forget_gate) if callable(first_forget_gate) else first_forget_gate,
        _first_forget_gate,
        _forget_cases(),
        name="first_forget_gate",
        mistakes=[
            (lambda m, x: _first_forget_gate(m, x, block=0),
             "rows 0:H, the input gate's: the forget gate's rows are H:2*H (the order is i, f, g, o)"),
            (lambda m, x: _first_forget_gate(m, x, block=2),
             "rows 2*H:3*H, the candidate's: the forget gate's rows are H:2*H (the order is i, f, g, o)"),
            (lambda m, x: _first_forget_gate(m, x, block=3),
             "rows 3*H:4*H, the output gate's: the forget gate's rows are H:2*H (the order is i, f, g, o)"),
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
