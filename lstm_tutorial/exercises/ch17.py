"""Checkers for the exercises of chapter 17 (the parameters of nn.LSTM)."""

from __future__ import annotations

from ..counting import lstm_parameter_count
from ._harness import case, check_function, guarded

__all__ = ["check_largest_hidden"]


def _count(input_size, hidden_size, num_layers, bidirectional, proj_size, *, directions=None, biases=2,
           upper_reads_input=False, hh_full=False, weight_hr=True):
    """``lstm_parameter_count``, with one of a student's typical slips switched on."""
    D = directions or (2 if bidirectional else 1)
    H, P = hidden_size, proj_size
    R = P or H
    total = 0
    for layer in range(num_layers):
        reads = input_size if layer == 0 or upper_reads_input else D * R
        total += D * (4 * H * reads + 4 * H * (H if hh_full else R) + biases * 4 * H + (P * H if weight_hr else 0))
    return total


def _largest_hidden(budget, input_size, num_layers, bidirectional, projected, *, fits=lambda n, b: n <= b,
                    count=_count, project=True, extra=0):
    def n(h):
        return count(input_size, h, num_layers, bidirectional, h // 4 if projected and project else 0)

    h = 1
    while fits(n(h + 1), budget):
        h += 1
    return h + extra


def _cases():
    exact = lstm_parameter_count(10, 20)
    exact_projected = lstm_parameter_count(16, 40, num_layers=2, bidirectional=True, proj_size=10)
    return [case(*args) for args in [
        (1_000_000, 64, 2, True, False),
        (1_000_000, 64, 2, True, True),
        (exact, 10, 1, False, False),
        (exact_projected, 16, 2, True, True),
        (50_000, 3, 3, False, True),
        (200_000, 100, 1, True, False),
    ]]


_MISTAKES = [
    (lambda *a: _largest_hidden(*a, extra=1),
     "one too many: that is the first hidden size whose count exceeds the budget"),
    (lambda *a: _largest_hidden(*a, fits=lambda n, b: n < b),
     "count < budget where count <= budget belongs: a model of exactly the budget fits"),
    (lambda *a: _largest_hidden(*a, count=lambda *c: _count(*c, directions=1)),
     "the backward direction left out: bidirectional=True doubles every layer's weights"),
    (lambda *a: _largest_hidden(*a, count=lambda *c: _count(*c, biases=1)),
     "one bias vector per layer and direction: nn.LSTM has two, bias_ih and bias_hh"),
    (lambda *a: _largest_hidden(*a, count=lambda *c: _count(*c, biases=0)),
     "the biases left out: nn.LSTM has two bias vectors of 4H per layer and direction"),
    (lambda *a: _largest_hidden(*a, count=lambda *c: _count(*c, upper_reads_input=True)),
     "every layer counted as reading input_size features: the layers above the first read the "
     "D * R features of the layer below"),
    (lambda *a: _largest_hidden(*a, count=lambda *c: _count(*c, hh_full=True)),
     "weight_hh counted as 4H x H with a projection: h_t then has P features, so it is 4H x P"),
    (lambda *a: _largest_hidden(*a, count=lambda *c: _count(*c, weight_hr=False)),
     "the projection's own weights left out: weight_hr is P x H per layer and direction"),
    (lambda *a: _largest_hidden(*a, project=False),
     "the projection left out: with projected=True, proj_size is hidden_size // 4"),
]


@guarded
def check_largest_hidden(largest_hidden) -> bool:
    """Check ``largest_hidden(budget, input_size, num_layers, bidirectional, projected) -> int``: the largest
    hidden_size H whose ``nn.LSTM`` (with ``proj_size=H // 4`` if projected) has at most ``budget`` parameters."""
    return check_function(
        largest_hidden,
        _largest_hidden,
        _cases(),
        name="largest_hidden",
        mistakes=_MISTAKES,
    )
