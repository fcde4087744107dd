"""Checkers for the exercises of chapter 12 (coupled forget and input gates)."""

from __future__ import annotations

import copy

import torch

from ..coupled import CoupledLSTMCell
from ..lstm import LSTMCell
from ..unroll import unroll
from ._harness import NOT_IMPLEMENTED, _one_line, case, check_function, guarded

__all__ = ["check_lstm_from_coupled"]


def returns_cell(build, given, kind, name: str) -> bool:
    """Call ``build(given)`` once and say, in one printed sentence, what is wrong with what it
    returns: not implemented, an error, not a ``kind``, other sizes, dtype or bias than ``given``.
    True when the result is a cell of the right kind and shape (its values are checked later)."""
    try:
        built = build(copy.deepcopy(given))
    except NotImplementedError:
        print(f"✗ {name} {NOT_IMPLEMENTED}: replace `raise NotImplementedError` with your answer.")
        return False
    except Exception as error:  # noqa: BLE001 - the student's error is the message
        print(f"✗ {name} raised {type(error).__name__}: {_one_line(error)}.")
        return False
    wanted = f"an lt.{kind.__name__}"
    if not isinstance(built, kind) or type(built) is not kind:
        print(f"✗ {name} should return {wanted}, got a {type(built).__name__}.")
        return False
    sizes = (given.input_size, given.hidden_size)
    if (built.input_size, built.hidden_size) != sizes:
        print(
            f"✗ {name} should return {wanted} with input_size={sizes[0]} and hidden_size={sizes[1]}, like the "
            f"cell it was given, got input_size={built.input_size} and hidden_size={built.hidden_size}."
        )
        return False
    if built.bias is None:
        print(f"✗ {name} should return {wanted} with biases (bias=True), got one with bias=False.")
        return False
    if built.weight_h.dtype != given.weight_h.dtype:
        print(
            f"✗ {name} should return a cell in {given.weight_h.dtype}, like the cell it was given "
            f"(use .double(), or .to(cell.weight_h.dtype)), got {built.weight_h.dtype}."
        )
        return False
    return True


def random_cell(kind, gen, input_size, hidden_size, scale=1.0):
    """A float64 ``kind`` cell whose weights come from ``gen`` (not from the global seed)."""
    cell = kind(input_size, hidden_size).double()
    with torch.no_grad():
        for p in cell.parameters():
            p.copy_(scale * torch.randn(p.shape, generator=gen, dtype=torch.float64))
    return cell


def _lstm_from_coupled(coupled, *, stack=lambda f, g, o: [-f, f, g, o], negate_bias=True):
    lstm = LSTMCell(coupled.input_size, coupled.hidden_size).double()
    with torch.no_grad():
        for name in ("weight_x", "weight_h", "bias"):
            f, g, o = getattr(coupled, name).chunk(3, dim=0)
            blocks = stack(f, g, o)
            if name == "bias" and not negate_bias:
                blocks[0] = f
            getattr(lstm, name).copy_(torch.cat(blocks))
    return lstm


def _behaviour(build):
    """What a built cell computes on ``x``: its hidden state at every step and its last cell state."""
    def run(coupled, x):
        outputs, (_, c_n) = unroll(build(copy.deepcopy(coupled)), x)
        return outputs.detach(), c_n.detach()

    return run


def _cases():
    gen = torch.Generator().manual_seed(12)
    cases = []
    for batch, steps, inputs, hidden in [(2, 6, 3, 4), (1, 8, 2, 1), (3, 5, 1, 3)]:
        coupled = random_cell(CoupledLSTMCell, gen, inputs, hidden)
        x = torch.randn(batch, steps, inputs, generator=gen, dtype=torch.float64)
        cases.append(case(coupled, x, description=(
            f"a CoupledLSTMCell({inputs}, {hidden}) run on x of shape {list(x.shape)}")))
    return cases


@guarded
def check_lstm_from_coupled(lstm_from_coupled) -> bool:
    """Check ``lstm_from_coupled(coupled) -> lt.LSTMCell`` computing what the coupled cell computes."""
    name = "lstm_from_coupled"
    cases = _cases()
    if not returns_cell(lstm_from_coupled, cases[0].args[0], LSTMCell, name):
        return False
    return check_function(
        _behaviour(lstm_from_coupled),
        _behaviour(_lstm_from_coupled),
        cases,
        name=name,
        outputs=("the LSTM's h_t at every step", "its last cell state C_T"),
        mistakes=[
            (_behaviour(lambda c: _lstm_from_coupled(c, stack=lambda f, g, o: [f, f, g, o])),
             "the forget rows copied into the input gate without negating them (then i_t = f_t, not 1 - f_t)"),
            (_behaviour(lambda c: _lstm_from_coupled(c, negate_bias=False)),
             "the input gate's weights negated but its bias copied as it was"),
            (_behaviour(lambda c: _lstm_from_coupled(c, stack=lambda f, g, o: [f, -f, g, o])),
             "the blocks stacked f, i, g, o: the LSTM's order is i, f, g, o"),
            (_behaviour(lambda c: _lstm_from_coupled(c, stack=lambda f, g, o: [0 * f, f, g, o])),
             "the input gate's rows set to zero (then i_t = 1/2, not 1 - f_t)"),
            (_behaviour(lambda c: _lstm_from_coupled(c, stack=lambda f, g, o: [1 - f, f, g, o])),
             "the rows 1 - W_f in the input gate: 1 - f_t is sigmoid(-z_f), so the rows must be -W_f"),
        ],
    )
