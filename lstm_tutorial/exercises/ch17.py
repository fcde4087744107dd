"""Checkers for the exercises of chapter 17 (the parameters of nn.LSTM)."""

from __future__ import annotations

import inspect

from ..cells.counting import lstm_parameter_count
from ._harness import call_student, case, compare, guarded

__all__ = ["check_largest_hidden"]


def _count(input_size, hidden_size, num_layers, bidirectional, proj_size, *, directions=None, biases=2,
           upper="DR", hh_full=False, weight_hr=True, layers=None, per_direction=("bias", "weight_hr")):
    """``lstm_parameter_count``, with one of a student's typical slips switched on.

    ``upper`` is what the layers above the first are counted as reading: ``"DR"`` (right: both
    directions of the R-sized hidden state below), ``"I"``, ``"R"`` or ``"DH"``."""
    D = directions or (2 if bidirectional else 1)
    H, P = hidden_size, proj_size
    R = P or H
    total = 0
    for layer in range(layers or num_layers):
        reads = input_size if layer == 0 else {"DR": D * R, "I": input_size, "R": R, "DH": D * H}[upper]
        total += D * (4 * H * reads + 4 * H * (H if hh_full else R))
        total += (D if "bias" in per_direction else 1) * biases * 4 * H
        total += (D if "weight_hr" in per_direction else 1) * (P * H if weight_hr else 0)
    return total


def _largest_hidden(budget, input_size, num_layers, bidirectional, projected, *, fits=lambda n, b: n <= b,
                    count=_count, proj=lambda h: h // 4, project=True, extra=0, step=1):
    def n(h):
        return count(input_size, h, num_layers, bidirectional, proj(h) if projected and project else 0)

    h = 1
    while fits(n(h + step), budget):
        h += step
    return h + extra


def _cases():
    # Budgets met exactly (so that < and <= differ), H = 1 and input 1, hidden sizes that are not a
    # multiple of 4 (so that rounding proj_size up or to the nearest differs from H // 4), one and
    # three layers, one direction and two. A projected case's budget fits every H up to 4: below 4
    # there is no projection (H // 4 = 0), and the count at H = 4 (P = 1) can be below that at H = 3.
    exact = lstm_parameter_count(10, 20)
    exact_projected = lstm_parameter_count(16, 42, num_layers=2, bidirectional=True, proj_size=10)
    return [case(*args) for args in [
        (1_000_000, 64, 2, True, False),
        (1_000_000, 64, 2, True, True),
        (exact, 10, 1, False, False),
        (exact_projected, 16, 2, True, True),
        (50_000, 3, 3, False, True),
        (200_000, 100, 1, True, False),
        (lstm_parameter_count(1, 1), 1, 1, False, False),
        (lstm_parameter_count(1, 7, num_layers=3, bidirectional=True, proj_size=1), 1, 3, True, True),
        (lstm_parameter_count(5, 3, num_layers=2) + 10, 5, 2, False, True),
    ]]


def _slip(**how):
    return lambda *a: _largest_hidden(*a, count=lambda *c: _count(*c, **how))


# With two directions these two slips give the same count, so they share one message.
_HALF_THE_BIASES = (
    "half the biases: one bias vector per layer and direction (as Keras counts), or the two counted once "
    "per layer; nn.LSTM has two, bias_ih and bias_hh, in every layer and direction")

_MISTAKES = [
    (lambda *a: _largest_hidden(*a, extra=1),
     "one too many: that is the first hidden size whose count exceeds the budget"),
    (lambda *a: _largest_hidden(*a, extra=-1),
     "one too few: one unit more still fits the budget"),
    (lambda *a: _largest_hidden(*a, fits=lambda n, b: n < b),
     "count < budget where count <= budget belongs: a model of exactly the budget fits"),
    (lambda *a: _largest_hidden(*a, step=2),
     "a search in steps of 2: step one unit at a time (or bisect) to find the largest size that fits"),
    (_slip(directions=1),
     "the backward direction left out: bidirectional=True doubles every layer's weights"),
    (_slip(biases=1), _HALF_THE_BIASES),
    (_slip(per_direction=("weight_hr",)), _HALF_THE_BIASES),
    (_slip(biases=0),
     "the biases left out: nn.LSTM has two bias vectors of 4H per layer and direction"),
    (_slip(upper="I"),
     "every layer counted as reading input_size features: the layers above the first read the "
     "D * R features of the layer below"),
    (_slip(upper="R"),
     "the layers above the first counted as reading one direction: they read both directions of the "
     "layer below, D * R features"),
    (_slip(upper="DH"),
     "the layers above the first counted as reading D * H features: with a projection the layer below "
     "hands up its projected state, D * P"),
    (_slip(layers=1),
     "only the first layer counted: each of the num_layers layers has its own weights"),
    (_slip(hh_full=True),
     "weight_hh counted as 4H x H with a projection: h_t then has P features, so it is 4H x P"),
    (_slip(weight_hr=False),
     "the projection's own weights left out: weight_hr is P x H per layer and direction"),
    (_slip(per_direction=("bias",)),
     "weight_hr counted once per layer: each direction has its own"),
    (lambda *a: _largest_hidden(*a, project=False),
     "the projection left out: with projected=True, proj_size is hidden_size // 4"),
    (lambda *a: _largest_hidden(*a, proj=lambda h: (h + 3) // 4),
     "proj_size rounded up: it is hidden_size // 4, rounded down"),
    (lambda *a: _largest_hidden(*a, proj=lambda h: round(h / 4)),
     "proj_size rounded to the nearest: it is hidden_size // 4, rounded down"),
]


def _diagnose(student, cases, mistakes, name):
    """Like ``check_function``, but for an answer that is one number: a wrong number often equals
    several slips on one input, so a slip is named only if it matches the answer on every input."""
    try:
        arg_names = list(inspect.signature(student).parameters)
    except (TypeError, ValueError):
        arg_names = []
    got, first_wrong = [], None
    for number, c in enumerate(cases, start=1):
        on = f"on input {number} of {len(cases)}: {c.describe(arg_names)}"
        ok, value = call_student(student, name, *c.args, on=on)
        if not ok:
            return False
        problem = compare(_largest_hidden(*c.args), value, atol=0, rtol=0)
        if problem and first_wrong is None:
            first_wrong = (problem, on)
        got.append(value)
    if first_wrong is None:
        print(f"✓ {name} gives the expected result on all {len(cases)} inputs.")
        return True
    problem, on = first_wrong

    def same(wrong, c, value):
        try:
            return compare(wrong(*c.args), value, atol=0, rtol=0) is None
        except Exception:  # noqa: BLE001 - a slip that cannot run on this input is no hint
            return False

    everywhere = [what for wrong, what in mistakes
                  if all(same(wrong, c, v) for c, v in zip(cases, got, strict=True))]
    hint = f" It matches what you get with {everywhere[0]}." if everywhere else ""
    print(f"✗ {name}: {problem} ({on}).{hint}")
    return False


@guarded
def check_largest_hidden(largest_hidden) -> bool:
    """Check ``largest_hidden(budget, input_size, num_layers, bidirectional, projected) -> int``: the largest
    hidden_size H whose ``nn.LSTM`` (with ``proj_size=H // 4`` if projected) has at most ``budget`` parameters.
    The budgets tried fit H = 1, and when projected every H up to 4 (where the count is not yet monotone)."""
    return _diagnose(largest_hidden, _cases(), _MISTAKES, "largest_hidden")
