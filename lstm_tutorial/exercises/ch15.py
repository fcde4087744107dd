"""Checkers for the exercises of chapter 15 (which variant?)."""

from __future__ import annotations

import functools

import numpy as np

from ._harness import case, check_function, guarded

__all__ = ["check_effective_parameters"]

# The chapter's LSTM-family variants, and how many of the four layers (i, f, g, o) each one
# computes; the GRU, with its own layout, is counted apart.
_LAYERS = {
    "LSTM": 4,
    "forget bias 1": 4,
    "no forget gate": 3,
    "no input gate": 3,
    "no output gate": 3,
    "no output activation": 4,
    "peephole": 4,
    "coupled gates": 3,
}
VARIANTS = ("LSTM", "forget bias 1", "GRU", *[name for name in _LAYERS if name not in ("LSTM", "forget bias 1")])
_REMOVED_GATE = ("no forget gate", "no input gate", "no output gate")

# (input_size, hidden_size): the chapter's sizes first, so that a first message reads in
# familiar numbers; then sizes where the plausible wrong formulas part from the right one
# (input and hidden sizes that differ, hidden 1, input 1, input larger than hidden).
_SIZES = [(2, 8), (3, 5), (1, 1), (1, 4), (4, 1), (6, 3)]


def _effective_parameters(
    variant,
    input_size,
    hidden_size,
    *,
    removed_rows=False,
    biases=1,
    bias_per_layer=False,
    bias_per_column=False,
    peephole="vectors",
    coupled_input_gate=False,
    activation_layer=False,
    forget_bias_fixed=False,
    readout=False,
    gru="right",
    swapped=False,
):
    """The reference count, and (through the keywords) the typical wrong ones."""
    I, H = input_size, hidden_size  # noqa: E741 - named as in the chapter
    if swapped:
        I, H = H, I  # noqa: E741
    if variant == "GRU":
        layers, gru_biases = {"right": (3, 2), "one bias": (3, 1), "as an LSTM": (4, 1), "no candidate": (2, 2)}[gru]
        gru_biases = 0 if biases == 0 else gru_biases
        n = layers * H * (I + H + gru_biases)
    else:
        layers = _LAYERS[variant]
        if removed_rows and variant in _REMOVED_GATE:
            layers = 4  # the rows stay in the tensors
        if coupled_input_gate and variant == "coupled gates":
            layers = 4
        if activation_layer and variant == "no output activation":
            layers = 3
        if bias_per_layer:
            n = layers * (H * (I + H) + 1)
        elif bias_per_column:
            n = layers * (I + H) * (H + 1)
        else:
            n = layers * H * (I + H + biases)
        if variant == "peephole":
            n += {"vectors": 3 * H, "matrices": 3 * H * H, "none": 0, "four": 4 * H}[peephole]
        if forget_bias_fixed and variant == "forget bias 1":
            n -= H
    if readout:
        n += H + 1  # nn.Linear(H, 1)
    return n


def _cases():
    return [case(variant, input_size, hidden_size) for input_size, hidden_size in _SIZES for variant in VARIANTS]


def _mistake(phrase, **wrong):
    return (lambda *a: _effective_parameters(*a, **wrong), phrase)


_MISTAKES = [
    # mistakes of one variant first: a general mistake shows already on the LSTM, where these
    # agree with the answer, so the order decides only which name a shared wrong number gets
    _mistake("the removed gate's rows counted: they stay in LSTMVariantCell's tensors, but never get a gradient",
             removed_rows=True),
    _mistake("the peephole weights counted as H x H matrices: each is a vector of H, multiplied entry by entry",
             peephole="matrices"),
    _mistake("the peephole weights left out: the peephole cell adds three vectors of H (for i, f and o)",
             peephole="none"),
    _mistake("four peephole vectors: the candidate g has none, only i, f and o look at the cell state",
             peephole="four"),
    _mistake("an input gate counted in the coupled cell: it computes i_t = 1 - f_t from the forget gate's rows",
             coupled_input_gate=True),
    _mistake("a layer taken away with the output activation: tanh has no parameters, so the count is the LSTM's",
             activation_layer=True),
    _mistake("the forget gate's biases left out of 'forget bias 1': a bias of 1 is only where they start, "
             "they are trained like the rest", forget_bias_fixed=True),
    _mistake("the GRU counted with one bias vector per layer: like nn.GRU it keeps two (b_i and b_h), because "
             "b_hn sits inside the reset gate's product", gru="one bias"),
    _mistake("the GRU counted as an LSTM, with four layers: it has three (reset r, update z, candidate n), "
             "each with two bias vectors", gru="as an LSTM"),
    _mistake("the GRU's candidate n left out: it has three layers (reset r, update z, candidate n)",
             gru="no candidate"),
    _mistake("the biases left out: each of the cell's layers has H of them, one per unit", biases=0),
    _mistake("two bias vectors per layer, as nn.LSTM keeps: the book's LSTM cells have one", biases=2),
    _mistake("one bias number per layer: a layer has one bias per unit, H of them", bias_per_layer=True),
    _mistake("a bias for every input column: a layer has one bias per unit (per row), H of them",
             bias_per_column=True),
    _mistake("the read-out counted: only the cell's parameters count", readout=True),
    _mistake("input_size and hidden_size swapped", swapped=True),
]


def _plain_number(function):
    """``function`` with a NumPy number (``np.int64`` from ``np.prod``, say) returned as the
    Python number it stands for: a count is a count, whatever type carries it."""
    if not callable(function):
        return function

    @functools.wraps(function)
    def counted(*args, **kwargs):
        result = function(*args, **kwargs)
        if isinstance(result, np.generic) or (isinstance(result, np.ndarray) and result.size == 1):
            return result.item()
        return result

    return counted


@guarded
def check_effective_parameters(effective_parameters) -> bool:
    """Check ``effective_parameters(variant, input_size, hidden_size) -> int``: the numbers the variant's cell
    can change in training (a removed gate's rows, which never get a gradient, do not count), for every
    variant of the chapter, the GRU among them, at several sizes."""
    return check_function(
        _plain_number(effective_parameters),
        _effective_parameters,
        _cases(),
        name="effective_parameters",
        mistakes=_MISTAKES,
        atol=1e-6,
        rtol=0.0,
    )
