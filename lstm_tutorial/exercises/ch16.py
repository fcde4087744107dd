"""Checkers for the exercises of chapter 16 (the inputs and outputs of nn.LSTM)."""

from __future__ import annotations

import torch
from torch import nn

from ._harness import case, check_function, guarded

__all__ = ["check_keras_like", "check_lstm_shapes"]


# -- ex-keras-like: Keras's four output settings from nn.LSTM ---------------------------------------------


def _keras_like(lstm, x, return_sequences=False, return_state=False, *, last=lambda o: o[:, -1],
                states=lambda h, c: [h[-1], c[-1]], flip=False):
    with torch.no_grad():
        output, (h_n, c_n) = lstm(x)
    if flip:
        return_sequences = not return_sequences
    result = output if return_sequences else last(output)
    if return_state:
        return [result, *states(h_n, c_n)]
    return result


def _keras_cases():
    gen = torch.Generator().manual_seed(16)
    cases = []
    for inputs, hidden, batch, steps in [(3, 5, 4, 7), (2, 3, 2, 5)]:
        with torch.random.fork_rng(devices=[]):
            lstm = nn.LSTM(inputs, hidden, batch_first=True, dtype=torch.float64)
        x = torch.randn(batch, steps, inputs, generator=gen, dtype=torch.float64)
        for sequences in (False, True):
            for state in (False, True):
                cases.append(case(lstm, x, sequences, state, description=(
                    f"nn.LSTM({inputs}, {hidden}, batch_first=True), x of shape {list(x.shape)}, "
                    f"return_sequences={sequences}, return_state={state}")))
    return cases


_KERAS_MISTAKES = [
    (lambda *a: _keras_like(*a, last=lambda o: o[-1]),
     "output[-1], the last sequence of the batch, where output[:, -1], the last step, belongs "
     "(with batch_first=True time is the second axis)"),
    (lambda *a: _keras_like(*a, last=lambda o: o[:, 0]),
     "output[:, 0], the first step, where the last step output[:, -1] belongs"),
    (lambda *a: _keras_like(*a, flip=True),
     "return_sequences read the wrong way round: True means every step (all of output)"),
    (lambda *a: _keras_like(*a, states=lambda h, c: [h, c]),
     "h_n and c_n returned with their layer axis, (1, batch, hidden): Keras's states are h_n[-1] "
     "and c_n[-1], (batch, hidden)"),
    (lambda *a: _keras_like(*a, states=lambda h, c: [c[-1], h[-1]]),
     "the states in the order c, h: Keras returns [output, state_h, state_c]"),
    (lambda *a: _keras_like(*a, states=lambda h, c: [h[-1]]),
     "only the hidden state returned: with return_state Keras returns [output, state_h, state_c]"),
    (lambda lstm, x, seq, state: _keras_like(lstm, x, seq, False) if state else _keras_like(lstm, x, seq),
     "return_state ignored: with return_state=True Keras returns a list [output, state_h, state_c]"),
    (lambda lstm, x, seq, state: _keras_like(lstm, x, seq, state)[1:] if state else _keras_like(lstm, x, seq),
     "only the states returned: with return_state=True the output comes first, "
     "[output, state_h, state_c]"),
]


@guarded
def check_keras_like(keras_like) -> bool:
    """Check ``keras_like(lstm, x, return_sequences, return_state)``: what a Keras LSTM layer returns, from a
    one-layer, one-direction ``nn.LSTM`` with ``batch_first=True``: a tensor, or a list of three tensors."""
    return check_function(
        keras_like,
        _keras_like,
        _keras_cases(),
        name="keras_like",
        mistakes=_KERAS_MISTAKES,
    )


# -- ex-two-layer-bidirectional: predict the shapes -------------------------------------------------------


def _lstm_shapes(input_size, hidden_size, num_layers, bidirectional, batch, steps, *, directions=None,
                 h_n_rows="both", h_n_features="hidden", h_n_batch_first=False, output_time_first=False,
                 output_layers=False):
    D = 2 if bidirectional else 1
    if directions is not None:
        D = directions
    features = D * hidden_size * (num_layers if output_layers else 1)
    output = (steps, batch, features) if output_time_first else (batch, steps, features)
    rows = {"both": num_layers * D, "layers": num_layers}[h_n_rows]
    h_features = {"hidden": hidden_size, "output": D * hidden_size}[h_n_features]
    state = (batch, rows, h_features) if h_n_batch_first else (rows, batch, h_features)
    return output, state, state


def _shape_cases():
    return [case(*args) for args in [
        (3, 5, 2, True, 4, 7),
        (3, 5, 1, False, 4, 7),
        (2, 6, 3, True, 5, 9),
        (4, 3, 1, True, 2, 6),
        (1, 2, 3, False, 3, 5),
    ]]


_SHAPES_MISTAKES = [
    (lambda *a: _lstm_shapes(*a, directions=1),
     "the backward direction forgotten: bidirectional doubles output's features and h_n's rows"),
    (lambda *a: _lstm_shapes(*a, h_n_rows="layers"),
     "one row of h_n per layer: it has one per layer and direction, num_layers * 2 when bidirectional"),
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
]


@guarded
def check_lstm_shapes(lstm_shapes) -> bool:
    """Check ``lstm_shapes(input_size, hidden_size, num_layers, bidirectional, batch, steps)``: the shapes of
    ``output``, ``h_n`` and ``c_n`` of an ``nn.LSTM`` built with ``batch_first=True``, as three tuples."""
    return check_function(
        lstm_shapes,
        _lstm_shapes,
        _shape_cases(),
        name="lstm_shapes",
        outputs=("the shape of output", "the shape of h_n", "the shape of c_n"),
        mistakes=_SHAPES_MISTAKES,
    )
