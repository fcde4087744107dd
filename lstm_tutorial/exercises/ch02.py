"""Checkers for the exercises of chapter 2 (unrolling the loop)."""

from __future__ import annotations

import torch
from torch import nn

from ..cells.rnn import RNNCell
from ._harness import case, check_function, guarded
from .ch01 import as_number, dtype_tolerant, run_refusing

__all__ = ["check_backward_chain", "check_torch_rnn_param_count"]


# -- ex-param-count: the parameters of a one-layer nn.RNN -------------------------------------------------


def _torch_rnn_param_count(input_size, hidden_size, *, biases=2, bias_size=None, w_hh=None, w_ih=None):
    H = hidden_size
    w_hh = H * H if w_hh is None else w_hh
    w_ih = H * input_size if w_ih is None else w_ih
    return w_ih + w_hh + biases * (H if bias_size is None else bias_size)


#: building one of these and counting its parameters skips the exercise: the count is to be a formula
_RNN_MODULES = [(nn.RNN, "__init__"), (nn.RNNCell, "__init__"), (RNNCell, "__init__")]
_COUNT_BY_FORMULA = (
    "the answer builds an RNN module to count its parameters: write the count as a formula in input_size and "
    "hidden_size (then compare it with sum(p.numel() for p in nn.RNN(I, H).parameters()) outside the function)"
)


@guarded
def check_torch_rnn_param_count(torch_rnn_param_count) -> bool:
    """Check ``torch_rnn_param_count(input_size, hidden_size) -> n``, the number of parameters of
    ``nn.RNN(input_size, hidden_size)`` (one layer, two biases)."""
    # (3, 7) first: every mistake below gives a different number there
    cases = [case(3, 7), case(1, 1), case(10, 32), case(7, 2), case(64, 1), case(4, 4), case(1, 9)]
    answer = torch_rnn_param_count
    if callable(answer):
        answer = as_number(run_refusing(answer, _RNN_MODULES, _COUNT_BY_FORMULA))
    return check_function(
        answer,
        _torch_rnn_param_count,
        cases,
        name="torch_rnn_param_count",
        mistakes=[
            (lambda i, h: _torch_rnn_param_count(i, h, biases=1),
             "one bias vector, as in the book's cell: nn.RNN keeps two, bias_ih_l0 and bias_hh_l0"),
            (lambda i, h: _torch_rnn_param_count(i, h, biases=0), "the biases left out"),
            (lambda i, h: _torch_rnn_param_count(i, h, bias_size=i),
             "biases of length input_size: each bias has one entry per hidden unit"),
            (lambda i, h: _torch_rnn_param_count(i, h, w_hh=h * i),
             "W_hh counted as hidden_size × input_size: it maps the hidden state to itself, hidden_size × hidden_size"),
            (lambda i, h: _torch_rnn_param_count(h, i), "input_size and hidden_size swapped"),
            (lambda i, h: _torch_rnn_param_count(i, h, w_ih=0),
             "the input weights W_ih (hidden_size × input_size) left out"),
            (lambda i, h: _torch_rnn_param_count(i, h, w_hh=0),
             "the recurrent weights W_hh (hidden_size × hidden_size) left out"),
            (lambda i, h: _torch_rnn_param_count(i, h, bias_size=1),
             "each bias counted as one number: each has one entry per hidden unit"),
            (lambda i, h: 4 * _torch_rnn_param_count(i, h),
             "four layers counted, as in an LSTM: nn.RNN has one"),
        ],
        atol=0.0,
        rtol=0.0,
    )


# -- ex-backward-direction: the backward chain of a bidirectional nn.RNN ---------------------------------


_RUN_BIDIRECTIONAL = (
    "the bidirectional nn.RNN was called: rebuild its backward chain from the `_reverse` weights "
    "with lt.RNNCell and lt.unroll instead of running a bidirectional module"
)


def _chain(x, w_ih, w_hh, b):
    """A tanh RNN run forwards in time over x (batch, time, input): the states, (batch, time, hidden)."""
    h = x.new_zeros(x.shape[0], w_hh.shape[0])
    states = []
    for x_t in x.unbind(1):
        h = torch.tanh(x_t @ w_ih.T + h @ w_hh.T + b)
        states.append(h)
    return torch.stack(states, dim=1)


def _weights(rnn, suffix, *, both_biases=True):
    p = {name: getattr(rnn, name + "_l0" + suffix).detach() for name in ("weight_ih", "weight_hh", "bias_ih",
                                                                          "bias_hh")}
    b = p["bias_ih"] + p["bias_hh"] if both_biases else p["bias_ih"]
    return p["weight_ih"], p["weight_hh"], b


def _backward_chain(rnn, x, *, suffix="_reverse", flip_in=True, flip_out=True, both_biases=True):
    xs = x.flip(1) if flip_in else x
    states = _chain(xs, *_weights(rnn, suffix, both_biases=both_biases))
    return states.flip(1) if flip_out else states


def random_bidirectional_rnn(gen, input_size, hidden_size):
    """A float64 bidirectional one-layer nn.RNN (batch_first) whose weights come from ``gen``, and
    whose forward refuses to run: the exercise is to rebuild it."""
    with torch.random.fork_rng(devices=[]):
        rnn = nn.RNN(input_size, hidden_size, batch_first=True, bidirectional=True, dtype=torch.float64)
    with torch.no_grad():
        for p in rnn.parameters():
            p.copy_(0.8 * torch.randn(p.shape, generator=gen, dtype=torch.float64))
    return rnn


def _backward_cases():
    gen = torch.Generator().manual_seed(2)
    cases = []
    # then batch 1 with input 1, and one step with hidden 1 (a .squeeze() breaks there)
    for batch, steps, inputs, hidden in [(2, 7, 3, 4), (1, 5, 1, 2), (3, 6, 2, 5), (2, 1, 2, 1)]:
        rnn = random_bidirectional_rnn(gen, inputs, hidden)
        x = torch.randn(batch, steps, inputs, generator=gen, dtype=torch.float64)
        cases.append(case(rnn, x, description=(
            f"a bidirectional nn.RNN({inputs}, {hidden}, batch_first=True) and x of shape {list(x.shape)}")))
    return cases


@guarded
def check_backward_chain(backward_chain) -> bool:
    """Check ``backward_chain(rnn, x) -> states``: what ``rnn(x)[0][..., H:]`` holds (the backward chain of
    a bidirectional, batch-first, one-layer ``nn.RNN``), rebuilt without running ``rnn``; shape
    (batch, time, hidden_size)."""
    answer = backward_chain
    if callable(answer):
        refused = [(nn.RNN, "forward")]
        answer = dtype_tolerant(run_refusing(answer, refused, _RUN_BIDIRECTIONAL,
                                             when=lambda module, *a, **k: module.bidirectional))
    return check_function(
        answer,
        _backward_chain,
        _backward_cases(),
        name="backward_chain",
        mistakes=[
            (lambda rnn, x: _backward_chain(rnn, x, suffix=""),
             "the forward chain's weights (those without `_reverse`) where the backward chain's belong"),
            (lambda rnn, x: _backward_chain(rnn, x, flip_out=False),
             "the states left in reversed time order: flip the result back with .flip(1)"),
            (lambda rnn, x: _backward_chain(rnn, x, flip_in=False, flip_out=False),
             "the `_reverse` weights run forwards in time: run them on x.flip(1), then flip the states back "
             "(flip(1) reverses time; flip(0) would reverse the batch)"),
            (lambda rnn, x: _backward_chain(rnn, x, both_biases=False),
             "bias_ih_l0_reverse alone: the cell's one bias is bias_ih + bias_hh"),
            (lambda rnn, x: _backward_chain(rnn, x, suffix="", flip_in=False, flip_out=False),
             "the forward chain (output[..., :H]) where the backward chain belongs"),
        ],
    )
