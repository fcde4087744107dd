"""Checkers for the exercises of chapter 8 (updating the cell state)."""

from __future__ import annotations

import math

from ._harness import case, check_function, guarded

__all__ = ["check_steps_to_shrink"]


def _sigmoid(b):
    return 1 / (1 + math.exp(-b))


def _steps_to_shrink(b, factor=100):
    # f^d = 1 / factor, with f = sigmoid(b)
    return math.log(1 / factor) / math.log(_sigmoid(b))


def _cases():
    # b = 3 first: the wrong answers that take log(b) or log(0) fail there with a number, not an error;
    # factors other than 100 (a fixed factor shows), an int bias, and the default factor left out
    return [case(3.0, 100), case(0.0, 100), case(1.0, 100), case(5.0, 100), case(2.5, 10), case(-1.0, 1000),
            case(4, 50), case(2.0, description="b=2.0 and the default factor")]


@guarded
def check_steps_to_shrink(steps_to_shrink) -> bool:
    """Check ``steps_to_shrink(b, factor) -> d`` with ``sigmoid(b) ** d == 1 / factor``, unrounded."""
    return check_function(
        steps_to_shrink,
        _steps_to_shrink,
        _cases(),
        name="steps_to_shrink",
        mistakes=[
            (lambda b, factor=100: math.log(1 / factor) / math.log(b),
             "the bias b where the gate's value sigmoid(b) belongs"),
            (lambda b, factor=100: math.log(1 / factor) / math.log(math.tanh(b)),
             "a tanh where the forget gate's sigmoid belongs"),
            (lambda b, factor=100: math.log(1 / factor) / math.log(1 - _sigmoid(b)),
             "sigmoid(-b) = 1 - sigmoid(b) where sigmoid(b) belongs"),
            (lambda b, factor=100: math.log(factor) / math.log(_sigmoid(b)),
             "f^d = factor instead of f^d = 1 / factor (the steps come out negative)"),
            (lambda b, factor=100: math.log(0.01) / math.log(_sigmoid(b)),
             "the factor fixed at 100 instead of the argument `factor`"),
            (lambda b, factor=100: math.log10(1 / factor) / math.log(_sigmoid(b)),
             "a base-10 logarithm on one side and a natural one on the other"),
            (lambda b, factor=100: math.log(factor) / (1 - _sigmoid(b)),
             "the approximation ln(1/f) ≈ 1 - f, which is not exact"),
            (lambda b, factor=100: math.ceil(_steps_to_shrink(b, factor)),
             "the steps rounded up to a whole number; return d unrounded"),
            (lambda b, factor=100: round(_steps_to_shrink(b, factor)),
             "the steps rounded to a whole number; return d unrounded"),
            (lambda b, factor=100: math.floor(_steps_to_shrink(b, factor)),
             "the steps rounded down to a whole number; return d unrounded"),
            (lambda b, factor=100: _steps_to_shrink(b, factor) + 1, "one step too many (d + 1)"),
            (lambda b, factor=100: _steps_to_shrink(b, factor) - 1, "one step too few (d - 1)"),
            (lambda b, factor=100: math.log(1 / factor) / math.log(_sigmoid(b)) * math.log(10),
             "a base-10 logarithm on one side and a natural one on the other"),
        ],
        # float32 (torch.sigmoid of a float32 tensor) loses about 1e-5 of d at b = 5: a right answer
        rtol=1e-4,
    )
