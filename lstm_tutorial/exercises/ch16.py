"""Checkers for the exercises of chapter 16 (the inputs and outputs of nn.LSTM)."""

from __future__ import annotations

import torch
from torch import nn

from ._harness import case, check_function, guarded

__all__ = ["check_keras_like", "check_lstm_shapes"]


# -- ex-keras-like: Keras's four output settings from nn.LSTM ---------------------------------------------
#
# Keras 3 returns a tuple (output, state_h, state_c) with return_state=True, Keras 2 a list: the exercise
# does not ask for either, and compare() takes a tuple and a list of the same tensors as equal.


def _keras_like(lstm, x, return_sequences=False, return_state=False, *, last=lambda o: o[:, -1],
                states=lambda h, c: (h[-1], c[-1]), flip=False, squeeze=(), transpose=False, wrap=False):
    with torch.no_grad():
        output, (h_n, c_n) = lstm(x.transpose(0, 1) if transpose else x)
    if flip:
        return_sequences = not return_sequences
    result = output if return_sequences else last(output)
    if "result" in squeeze:
        result = result.squeeze()
    if return_state:
        state = states(h_n, c_n)
        if "states" in squeeze:
            state = tuple(s.squeeze() for s in state)
        return (result, *state)
    return [result] if wrap else result


# Each size of 1 is where a different slip shows: batch 1 (.squeeze() drops the batch axis, output[-1]
# and output[:, -1] have the same number of rows), hidden 1 (.squeeze() drops the feature axis), one
# step (.squeeze() drops the time axis of every step's output; the first step is the last).
_KERAS_SIZES = [(3, 5, 4, 7), (2, 3, 1, 5), (2, 1, 3, 4), (1, 4, 2, 1)]


def _keras_cases():
    gen = torch.Generator().manual_seed(16)
    cases = []
    for inputs, hidden, batch, steps in _KERAS_SIZES:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(1600 + len(cases))
            lstm = nn.LSTM(inputs, hidden, batch_first=True, dtype=torch.float64)
        x = torch.randn(batch, steps, inputs, generator=gen, dtype=torch.float64)
        for sequences in (False, True):
            for state in (False, True):
                cases.append(case(lstm, x, sequences, state, description=(
                    f"nn.LSTM({inputs}, {hidden}, batch_first=True), x of shape {list(x.shape)}, "
                    f"return_sequences={sequences}, return_state={state}")))
    return cases


_SQUEEZE = ("`.squeeze()`, which drops every axis of size 1: at batch 1 it removes the batch axis too (at "
            "hidden size 1 the feature axis, with one step the time axis); index instead: output[:, -1], "
            "h_n[-1], c_n[-1] (or .squeeze(0) for the layer axis alone)")

_KERAS_MISTAKES = [
    (lambda *a: _keras_like(*a, squeeze=("result", "states")), _SQUEEZE),
    (lambda *a: _keras_like(*a, squeeze=("states",)), _SQUEEZE),
    (lambda *a: _keras_like(*a, squeeze=("result",)), _SQUEEZE),
    (lambda *a: _keras_like(*a, last=lambda o: o[-1]),
     "output[-1], the last sequence of the batch, where output[:, -1], the last step, belongs "
     "(with batch_first=True time is the second axis)"),
    (lambda *a: _keras_like(*a, last=lambda o: o[:, 0]),
     "output[:, 0], the first step, where the last step output[:, -1] belongs"),
    (lambda *a: _keras_like(*a, last=lambda o: o[:, -1:]),
     "output[:, -1:], which keeps a time axis of length 1: output[:, -1] is (batch, hidden)"),
    (lambda *a: _keras_like(*a, flip=True),
     "return_sequences read the wrong way round: True means every step (all of output)"),
    (lambda *a: _keras_like(*a, transpose=True),
     "x transposed to (time, batch, features): the layer was built with batch_first=True, so it "
     "reads x as it is given, (batch, time, features)"),
    (lambda *a: _keras_like(*a, states=lambda h, c: (h, c)),
     "h_n and c_n returned with their layer axis, (1, batch, hidden): Keras's states are h_n[-1] "
     "and c_n[-1], (batch, hidden)"),
    (lambda *a: _keras_like(*a, states=lambda h, c: (c[-1], h[-1])),
     "the states in the order c, h: Keras returns (output, state_h, state_c)"),
    (lambda *a: _keras_like(*a, states=lambda h, c: (h[-1],)),
     "only the hidden state returned: with return_state Keras returns (output, state_h, state_c)"),
    (lambda *a: _keras_like(*a, states=lambda h, c: ((h[-1], c[-1]),)),
     "the states nested as PyTorch's pair (h, c): Keras returns three tensors side by side, "
     "(output, state_h, state_c)"),
    (lambda lstm, x, seq, state: _keras_like(lstm, x, seq, False) if state else _keras_like(lstm, x, seq),
     "return_state ignored: with return_state=True Keras returns (output, state_h, state_c)"),
    (lambda lstm, x, seq, state: _keras_like(lstm, x, seq, state)[1:] if state else _keras_like(lstm, x, seq),
     "only the states returned: with return_state=True the output comes first, "
     "(output, state_h, state_c)"),
    (lambda *a: _keras_like(*a, wrap=True),
     "a one-item list where Keras returns the tensor itself (without return_state)"),
]


@guarded
def check_keras_like(keras_like) -> bool:
    """Check ``keras_like(lstm, x, return_sequences, return_state)``: what a Keras LSTM layer returns, from a
    one-layer, one-direction ``nn.LSTM`` with ``batch_first=True``: a tensor, or with ``return_state`` three
    tensors ``(output, state_h, state_c)``, as a tuple (Keras 3) or a list (Keras 2)."""
    return check_function(
        keras_like,
        _keras_like,
        _keras_cases(),
        name="keras_like",
        outputs=("output", "state_h", "state_c"),
        mistakes=_KERAS_MISTAKES,
    )


# -- ex-two-layer-bidirectional: predict the shapes -------------------------------------------------------


def _lstm_shapes(input_size, hidden_size, num_layers, bidirectional, batch, steps, *, directions=None,
                 h_n_rows="both", h_n_features="hidden", h_n_batch_first=False, output_time_first=False,
                 output_layers=False, output_features="both", output_steps=True, squeeze=False):
    D = 2 if bidirectional else 1
    if directions is not None:
        D = directions
    per_step = {"both": D * hidden_size, "one": hidden_size, "input": input_size}[output_features]
    features = per_step * (num_layers if output_layers else 1)
    if not output_steps:
        output = (batch, features)
    else:
        output = (steps, batch, features) if output_time_first else (batch, steps, features)
    rows = {"both": num_layers * D, "layers": num_layers, "directions": D, "sum": num_layers + D}[h_n_rows]
    h_features = {"hidden": hidden_size, "output": D * hidden_size}[h_n_features]
    state = (batch, rows, h_features) if h_n_batch_first else (rows, batch, h_features)
    if squeeze:
        output, state = (tuple(n for n in s if n != 1) for s in (output, state))
    return output, state, state


def _shape_cases():
    # input_size, hidden_size, num_layers, bidirectional, batch, steps: input_size differs from
    # hidden_size, batch from steps, and num_layers * directions from num_layers + directions in
    # enough cases to tell each slip below from the right shapes (the first case tells them apart from
    # each other: 3 layers, 2 directions); then sizes of 1.
    return [case(*args) for args in [
        (2, 6, 3, True, 5, 9),
        (3, 5, 2, True, 4, 7),
        (3, 5, 1, False, 4, 7),
        (4, 3, 1, True, 2, 6),
        (1, 2, 3, False, 3, 5),
        (3, 4, 2, True, 1, 6),
        (2, 1, 2, True, 3, 5),
        (5, 3, 1, True, 2, 1),
    ]]


_SHAPES_MISTAKES = [
    (lambda *a: _lstm_shapes(*a, directions=1),
     "the backward direction forgotten: bidirectional doubles output's features and h_n's rows"),
    (lambda *a: _lstm_shapes(*a, output_features="one"),
     "output with hidden_size features: a bidirectional layer concatenates its two directions at every "
     "step, 2 * hidden_size"),
    (lambda *a: _lstm_shapes(*a, output_features="input"),
     "output with input_size features: its features are hidden states, hidden_size per direction"),
    (lambda *a: _lstm_shapes(*a, output_steps=False),
     "output without its time axis: it holds the hidden state at every step, (batch, steps, features)"),
    (lambda *a: _lstm_shapes(*a, h_n_rows="layers"),
     "one row of h_n per layer: it has one per layer and direction, num_layers * 2 when bidirectional"),
    (lambda *a: _lstm_shapes(*a, h_n_rows="directions"),
     "one row of h_n per direction: it has one per layer and direction, num_layers * directions"),
    (lambda *a: _lstm_shapes(*a, h_n_rows="sum"),
     "num_layers + directions rows of h_n: it has one per layer and direction, num_layers * directions"),
    (lambda *a: _lstm_shapes(*a, h_n_features="output"),
     "h_n with output's features (2 * hidden_size when bidirectional): each direction's final state "
     "is a row of its own, of hidden_size"),
    (lambda *a: _lstm_shapes(*a, h_n_batch_first=True),
     "h_n and c_n batch first: batch_first changes only the input and output, h_n and c_n stay "
     "(layers * directions, batch, hidden_size)"),
    (lambda *a: _lstm_shapes(*a, output_time_first=True),
     "output time first, (steps, batch, ...): with batch_first=True it is (batch, steps, features)"),
    (lambda *a: _lstm_shapes(*a, output_layers=True),
     "output with every layer's features: it holds only the top layer's hidden states"),
    (lambda *a: _lstm_shapes(*a, squeeze=True),
     "the axes of size 1 dropped (as .squeeze() does): every shape keeps all its axes, even of size 1"),
]


@guarded
def check_lstm_shapes(lstm_shapes) -> bool:
    """Check ``lstm_shapes(input_size, hidden_size, num_layers, bidirectional, batch, steps)``: the shapes of
    ``output``, ``h_n`` and ``c_n`` of an ``nn.LSTM`` built with ``batch_first=True``, as three tuples (a
    ``torch.Size`` or a list will do)."""
    return check_function(
        lstm_shapes,
        _lstm_shapes,
        _shape_cases(),
        name="lstm_shapes",
        outputs=("the shape of output", "the shape of h_n", "the shape of c_n"),
        mistakes=_SHAPES_MISTAKES,
    )
