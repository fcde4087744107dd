"""Checkers for the exercises of chapter 15 (which variant?)."""

from __future__ import annotations

from ._harness import case, check_function, guarded

__all__ = ["check_effective_parameters"]

# The chapter's variants, and how many of the four layers (i, f, g, o) each one computes.
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
_REMOVED_GATE = ("no forget gate", "no input gate", "no output gate")


def _effective_parameters(
    variant,
    input_size,
    hidden_size,
    *,
    removed_rows=False,
    biases=1,
    peephole="vectors",
    coupled_input_gate=False,
    activation_layer=False,
):
    I, H = input_size, hidden_size  # noqa: E741 - named as in the chapter
    layers = _LAYERS[variant]
    if removed_rows and variant in _REMOVED_GATE:
        layers = 4  # the rows stay in the tensors
    if coupled_input_gate and variant == "coupled gates":
        layers = 4
    if activation_layer and variant == "no output activation":
        layers = 3
    n = layers * H * (I + H + biases)
    if variant == "peephole":
        n += {"vectors": 3 * H, "matrices": 3 * H * H, "none": 0, "four": 4 * H}[peephole]
    return n


def _cases():
    cases = []
    for input_size, hidden_size in [(2, 8), (3, 5)]:
        for variant in _LAYERS:
            cases.append(case(variant, input_size, hidden_size))
    return cases


_MISTAKES = [
    (lambda *a: _effective_parameters(*a, biases=0),
     "the biases left out: each of the cell's layers has H of them, one per unit"),
    (lambda *a: _effective_parameters(*a, biases=2),
     "two bias vectors per layer, as nn.LSTM keeps: the book's cells have one"),
    (lambda *a: _effective_parameters(*a, removed_rows=True),
     "the removed gate's rows counted: they stay in LSTMVariantCell's tensors, but never get a gradient"),
    (lambda *a: _effective_parameters(*a, peephole="matrices"),
     "the peephole weights counted as H x H matrices: each is a vector of H, multiplied entry by entry"),
    (lambda *a: _effective_parameters(*a, peephole="none"),
     "the peephole weights left out: the peephole cell adds three vectors of H (for i, f and o)"),
    (lambda *a: _effective_parameters(*a, peephole="four"),
     "four peephole vectors: the candidate g has none, only i, f and o look at the cell state"),
    (lambda *a: _effective_parameters(*a, coupled_input_gate=True),
     "an input gate counted in the coupled cell: it computes i_t = 1 - f_t from the forget gate's rows"),
    (lambda *a: _effective_parameters(*a, activation_layer=True),
     "a layer taken away with the output activation: tanh has no parameters, so the count is the LSTM's"),
]


@guarded
def check_effective_parameters(effective_parameters) -> bool:
    """Check ``effective_parameters(variant, input_size, hidden_size) -> int``: the numbers the variant's cell
    can change in training (a removed gate's rows, which never get a gradient, do not count)."""
    return check_function(
        effective_parameters,
        _effective_parameters,
        _cases(),
        name="effective_parameters",
        mistakes=_MISTAKES,
    )
