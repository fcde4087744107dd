"""Checkers for the exercises of chapter 5 (the cell state and gates)."""

from __future__ import annotations

import copy
import math

import torch

from ..cells.lstm import LSTMCell
from ..cells.unroll import record_gates, unroll
from ._harness import case, check_function, guarded
from .ch01 import built_cell, dtype_tolerant

__all__ = ["check_gate", "check_make_leaky"]


# -- ex-gate-function: sigma(W inputs + b) * v for a batch ---------------------------------------------------


def _gate(v, inputs, W, b):
    return torch.sigmoid(inputs @ W.T + b) * v


def _gate_cases():
    gen = torch.Generator().manual_seed(5)

    def r(*shape):
        return torch.randn(*shape, generator=gen, dtype=torch.float64)

    # the first case is square (W is 3 × 3), so an untransposed W gives numbers, not an error
    # then batch 1, and a gate over a single entry (n = 1)
    cases = [case(r(4, 3), r(4, 3), r(3, 3), r(3)), case(r(5, 4), r(5, 3), r(4, 3), r(4)),
             case(r(1, 2), r(1, 5), r(2, 5), r(2)), case(r(3, 1), r(3, 2), r(1, 2), r(1))]
    v, inputs = r(3, 4), r(3, 2)
    cases.append(case(v, inputs, torch.zeros(4, 2, dtype=torch.float64), torch.zeros(4, dtype=torch.float64),
                      description="W and b all zeros (the gate lets half of v through)"))
    cases.append(case(v, inputs, r(4, 2), torch.full((4,), 50.0, dtype=torch.float64),
                      description="b = 50 everywhere (the gate lets all of v through)"))
    return cases


@guarded
def check_gate(gate) -> bool:
    """Check ``gate(v, inputs, W, b) -> sigma(inputs @ W.T + b) * v``: v (batch, n), inputs (batch, k),
    W (n, k), b (n,); the result (batch, n)."""
    return check_function(
        dtype_tolerant(gate) if callable(gate) else gate,
        _gate,
        _gate_cases(),
        name="gate",
        mistakes=[
            (lambda v, x, W, b: torch.tanh(x @ W.T + b) * v, "a tanh where the gate's sigmoid belongs"),
            (lambda v, x, W, b: torch.sigmoid(x @ W.T + b),
             "the gate's opening σ(W·inputs + b) alone, not applied to v"),
            (lambda v, x, W, b: torch.sigmoid(x @ W + b) * v,
             "W used untransposed (inputs @ W instead of inputs @ W.T)"),
            (lambda v, x, W, b: torch.sigmoid(x @ W.T) * v, "the bias b left out"),
            (lambda v, x, W, b: torch.sigmoid(x @ W.T + b) * x, "the gate applied to the inputs instead of to v"),
            (lambda v, x, W, b: torch.sigmoid(x @ W.T + b) + v, "a sum where the product σ(...) ⊙ v belongs"),
            (lambda v, x, W, b: (x @ W.T + b) * v, "no sigmoid: the layer's raw output multiplies v"),
            (lambda v, x, W, b: torch.sigmoid(-(x @ W.T + b)) * v, "σ(-z) = 1 - σ(z): the gate's sign flipped"),
            (lambda v, x, W, b: torch.sigmoid(v @ W.T + b) * v,
             "the sigmoid layer reading v instead of inputs: the gate decides from its own input"),
            (lambda v, x, W, b: torch.sigmoid((x @ W.T + b) * v),
             "v multiplied inside the sigmoid, σ((W·inputs + b) ⊙ v), instead of σ(W·inputs + b) ⊙ v"),
            (lambda v, x, W, b: (torch.sigmoid(x @ W.T) + b) * v,
             "the bias added after the sigmoid: it belongs inside, σ(W·inputs + b)"),
        ],
    )


# -- ex-leaky-belt: an LSTMCell whose forget gate is `keep` at every step and that writes nothing ------------


def _logit(p):
    return math.log(p / (1 - p))


def _make_leaky(cell, keep, *, forget=1, shut=0, bias=_logit, zero_weights="xh", shut_bias=-50.0):
    H = cell.hidden_size
    f_rows, i_rows = slice(forget * H, (forget + 1) * H), slice(shut * H, (shut + 1) * H)
    with torch.no_grad():
        if "x" in zero_weights:
            cell.weight_x[f_rows] = 0.0
        if "h" in zero_weights:
            cell.weight_h[f_rows] = 0.0
        cell.bias[f_rows] = bias(keep)
        if shut_bias is not None:
            cell.weight_x[i_rows] = 0.0
            cell.weight_h[i_rows] = 0.0
            cell.bias[i_rows] = shut_bias
    return cell


def _behaviour(make_leaky):
    """What the built cell does: its forget gate and its cell state at every step."""
    def run(cell, keep, x, h_0, c_0):
        built = make_leaky(copy.deepcopy(cell), keep)
        with record_gates(built) as gates, torch.no_grad():
            unroll(built, x, (h_0, c_0))
        return gates["f"], gates["c"]

    return run


def random_lstm_cell(gen, input_size, hidden_size, scale=1.0):
    """A float64 ``lt.LSTMCell`` whose weights come from ``gen`` (not from the global seed)."""
    with torch.random.fork_rng(devices=[]):
        cell = LSTMCell(input_size, hidden_size).double()
    with torch.no_grad():
        for p in cell.parameters():
            p.copy_(scale * torch.randn(p.shape, generator=gen, dtype=torch.float64))
    return cell


def _leaky_cases():
    gen = torch.Generator().manual_seed(50)
    cases = []
    for inputs, hidden, keep, steps in [(3, 4, 0.99, 60), (2, 3, 0.5, 20), (1, 2, 0.9, 40), (2, 1, 0.7, 15)]:
        cell = random_lstm_cell(gen, inputs, hidden)
        x = torch.randn(2, steps, inputs, generator=gen, dtype=torch.float64)
        h_0 = torch.randn(2, hidden, generator=gen, dtype=torch.float64)
        c_0 = 3 * torch.randn(2, hidden, generator=gen, dtype=torch.float64)
        cases.append(case(cell, keep, x, h_0, c_0, description=(
            f"an LSTMCell({inputs}, {hidden}) with random weights, keep={keep}, run for {steps} steps from a "
            "random state")))
    return cases


@guarded
def check_make_leaky(make_leaky) -> bool:
    """Check ``make_leaky(cell, keep) -> cell``: the lt.LSTMCell changed so that its forget gate is ``keep``
    at every step whatever the input, and nothing is written (C_t = keep * C_{t-1})."""
    name = "make_leaky"
    cases = _leaky_cases()
    first = cases[0].args[0]
    built = built_cell(lambda: make_leaky(copy.deepcopy(first), 0.99), (), LSTMCell, name,
                       input_size=first.input_size, hidden_size=first.hidden_size)
    if built is None:
        return False
    return check_function(
        _behaviour(dtype_tolerant(make_leaky)),
        _behaviour(_make_leaky),
        cases,
        name=name,
        outputs=("the forget gate f_t at every step", "the cell state C_t at every step"),
        mistakes=[(_behaviour(wrong), what) for wrong, what in [
            (lambda c, k: _make_leaky(c, k, bias=lambda p: p),
             "the bias set to keep itself: the gate is σ(b), so b must be σ⁻¹(keep) = ln(keep / (1 - keep))"),
            (lambda c, k: _make_leaky(c, 0.99), "keep fixed at 0.99 instead of the argument `keep`"),
            (lambda c, k: _make_leaky(c, k, zero_weights=""),
             "the forget gate's weights left as they were: set rows H:2*H of weight_x and weight_h to zero, "
             "or the gate moves with the input"),
            (lambda c, k: _make_leaky(c, k, zero_weights="x"),
             "the forget gate's rows of weight_h left as they were: the gate then moves with h_{t-1}; zero rows "
             "H:2*H of weight_h too"),
            (lambda c, k: _make_leaky(c, k, zero_weights="h"),
             "the forget gate's rows of weight_x left as they were: the gate then moves with the input x_t; zero "
             "rows H:2*H of weight_x too"),
            (lambda c, k: _make_leaky(c, k, bias=math.log),
             "the bias set to ln(keep): σ⁻¹(keep) is ln(keep / (1 - keep))"),
            (lambda c, k: _make_leaky(c, k, bias=lambda p: -_logit(p)),
             "the bias's sign flipped: σ(-b) = 1 - keep, so the gate keeps 1 - keep"),
            (lambda c, k: _make_leaky(c, k, shut_bias=None),
             "the input gate left open: the candidate is still written into the cell state"),
            (lambda c, k: _make_leaky(c, k, shut_bias=0.0),
             "the input gate's bias set to 0, which opens it halfway (σ(0) = 1/2): shut it with a large "
             "negative bias"),
            (lambda c, k: _make_leaky(c, k, forget=0, shut=1),
             "the forget and input gates' rows swapped: the order is i, f, g, o, so the forget gate is rows "
             "H:2*H"),
            (lambda c, k: _make_leaky(c, k, shut=2),
             "the candidate's rows (2*H:3*H) shut instead of the input gate's (0:H)"),
        ]],
    )
