"""Checkers for the exercises of chapter 12 (coupled forget and input gates).

Besides the checker, this module holds what the checkers of Part III share (chapters 13 and
14 import it): trying a function that builds a cell (:func:`returns_cell`, :func:`check_cells`),
and judging answers on all the cases at once, so that a typical mistake is named only when it
explains every result the answer gave (:func:`verdict`).
"""

from __future__ import annotations

import copy
import numbers
from collections.abc import Callable, Sequence

import torch
from torch import nn

from ..cells.coupled import CoupledLSTMCell
from ..cells.lstm import LSTMCell
from ..cells.rnn import RNNCell
from ..cells.unroll import unroll
from ._harness import Case, _describe_type, _difference, _fresh, _matches, _one_line, call_student, compare, guarded

__all__ = ["check_lstm_from_coupled"]

#: methods a cell must not carry as instance attributes: a replaced ``step`` is not a cell built from weights
_METHODS = ("forward", "step", "project", "output", "initial_state", "check_state")


def describe(value) -> str:
    """A value as a sentence names it: ``an lt.GRUCell``, ``a torch.nn.LSTMCell``, ``a tuple of 2 items``."""
    if isinstance(value, nn.Module):
        kind = type(value)
        if kind.__module__.startswith("torch.nn"):
            return f"a torch.nn.{kind.__name__}"
        if kind.__module__.startswith("lstm_tutorial"):
            return f"an lt.{kind.__name__}"
        return f"a {kind.__name__} (a torch.nn.Module)"
    return _describe_type(value)


def as_number(value):
    """A Python int or float for any real number an answer may return (numpy's included); other values as given."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return value
    return int(value) if isinstance(value, numbers.Integral) else float(value)


def verdict(name: str, ons: Sequence[str], expected: Sequence, got: Sequence, mistakes=(), *,
            atol: float = 1e-6, rtol: float = 1e-5, outputs: Sequence[str] = ()) -> bool:
    """Print one sentence on an answer's results ``got`` against ``expected``, case by case.

    ``ons`` names each case ("on input 2 of 5: ..."). ``mistakes`` pairs ``wrong(k)``, a typical
    mistake's result on case ``k``, with a phrase naming it; the phrase is given only when that
    mistake gives every one of the answer's results, so that a mistake that happens to agree
    with the answer on the failing case alone is not named.
    """
    failing = [(k, problem) for k, (e, g) in enumerate(zip(expected, got, strict=True))
               if (problem := compare(e, g, atol=atol, rtol=rtol, names=outputs))]
    if not failing:
        print(f"✓ {name} gives the expected result on all {len(got)} inputs.")
        return True
    first, problem = failing[0]
    hint = ""
    for wrong, what in mistakes:
        try:
            if all(_matches(wrong(k), g, atol, rtol) for k, g in enumerate(got)):
                hint = f" It matches what you get with {what}."
                break
        except Exception:  # noqa: BLE001, S112 - a mistake model that cannot run is no hint
            continue
    print(f"✗ {name}: {problem} ({ons[first]}).{hint}")
    return False


def returns_cell(build: Callable, given, kind, name: str, on: str = ""):
    """Call ``build(given)`` and return what it built, as a ``kind`` cell; or print one sentence
    saying what is wrong with it (not implemented, an error, not a ``kind``, other sizes, a
    missing or misshapen weight, another dtype than ``given``) and return None. The global random
    state is as it was afterwards.

    A ``torch.nn`` module that ``kind.from_torch`` loads (an ``nn.LSTMCell`` for an
    ``LSTMCell``) is accepted and loaded: it computes the same function.
    """
    where = f" ({on})" if on else ""
    with torch.random.fork_rng(devices=[]):  # a new cell draws its weights: leave the notebook's seed alone
        ok, built = call_student(build, name, given, on=on)
    if not ok:
        return None
    wanted = f"an lt.{kind.__name__}"
    if kind.torch_kinds and isinstance(built, kind.torch_kinds):
        try:
            built = kind.from_torch(built)
        except Exception as error:  # noqa: BLE001 - what from_torch refused is the message
            print(f"✗ {name} returned {describe(built)} that cannot stand for {wanted}: {_one_line(error)}{where}.")
            return None
    if type(built) is not kind:
        print(f"✗ {name} should return {wanted}, got {describe(built)}{where}.")
        return None
    replaced = [m for m in _METHODS if m in vars(built)]
    if replaced:
        print(f"✗ {name} returned {wanted} whose `{replaced[0]}` was replaced{where}: give the cell the right "
              "weights and leave its methods as they are.")
        return None
    sizes = (given.input_size, given.hidden_size)
    got_sizes = (getattr(built, "input_size", None), getattr(built, "hidden_size", None))
    if got_sizes != sizes:
        print(f"✗ {name} should return {wanted} with input_size={sizes[0]} and hidden_size={sizes[1]}, like the "
              f"cell it was given, got input_size={got_sizes[0]} and hidden_size={got_sizes[1]}{where}.")
        return None
    if kind is RNNCell and getattr(built, "nonlinearity", "tanh") != "tanh":
        print(f"✗ {name} should return a tanh RNN, got nonlinearity={built.nonlinearity!r}{where}.")
        return None
    with torch.random.fork_rng(devices=[]):
        template = kind(*sizes)
    dtype = given.weight_h.dtype
    for key, shape in ((k, list(p.shape)) for k, p in template.named_parameters()):
        value = getattr(built, key, None)
        if value is None:
            fix = " (bias=True)" if key.startswith("bias") else ""
            print(f"✗ {name} should return {wanted} with its {key}{fix}, got one whose {key} is None{where}.")
            return None
        if not isinstance(value, torch.Tensor):
            print(f"✗ {name} returned {wanted} whose {key} is {describe(value)}, not a tensor{where}.")
            return None
        if list(value.shape) != shape:
            print(f"✗ {name} returned {wanted} whose {key} has shape {list(value.shape)}: a cell of these sizes "
                  f"has a {key} of shape {shape}{where}.")
            return None
        if value.dtype != dtype:
            print(f"✗ {name} should return a cell in {dtype}, like the cell it was given (use .double(), or "
                  f".to(cell.weight_h.dtype)), got {value.dtype} (its {key}){where}.")
            return None
    return built


def changed_in_place(name: str, given, theirs, on: str, advice: str) -> bool:
    """True, with one printed sentence, if the student's copy ``theirs`` of module ``given`` changed."""
    what = _difference(given, theirs)
    if what is None:
        return False
    print(f"✗ {name} changes the cell it was given in place{what} ({on}): {advice}")
    return True


def check_cells(build, reference, cases, *, kind, name: str, run: Callable, mistakes=(), outputs=(),
                atol: float = 1e-8, rtol: float = 1e-6) -> bool:
    """Check a function that builds a ``kind`` cell from the cell in each case's first argument.

    Each case's built cell is checked as :func:`returns_cell` says, then ``run(cell, *rest)``
    (``rest``: the case's other arguments) is compared with the reference's. ``mistakes`` are
    wrong builders, each with a phrase naming it.
    """
    ons, expected, got = [], [], []
    for number, c in enumerate(cases, start=1):
        on = f"on input {number} of {len(cases)}: {c.describe()}"
        given, *rest = c.args
        theirs = copy.deepcopy(given)
        built = returns_cell(build, theirs, kind, name, on=on)
        if built is None:
            return False
        if changed_in_place(name, given, theirs, on, "leave it as it is and copy its weights into the new cell "
                            "(with .copy_() on the new cell's parameters, or .clone())."):
            return False
        try:
            with torch.no_grad():
                got.append(run(built, *_fresh(tuple(rest))))
        except Exception as error:  # noqa: BLE001 - the error is the message
            print(f"✗ the cell {name} returned raised {type(error).__name__} when run: {_one_line(error)} ({on}).")
            return False
        with torch.no_grad():
            expected.append(run(reference(copy.deepcopy(given)), *_fresh(tuple(rest))))
        ons.append(on)

    def wrong_on(wrong):
        def result(k):
            given, *rest = cases[k].args
            with torch.no_grad():
                return run(wrong(copy.deepcopy(given)), *_fresh(tuple(rest)))
        return result

    return verdict(name, ons, expected, got, [(wrong_on(w), what) for w, what in mistakes],
                   atol=atol, rtol=rtol, outputs=outputs)


def random_cell(kind, gen, input_size, hidden_size, scale=1.0):
    """A float64 ``kind`` cell whose weights come from ``gen`` (building it leaves the global seed alone)."""
    with torch.random.fork_rng(devices=[]):
        cell = kind(input_size, hidden_size).double()
    with torch.no_grad():
        for p in cell.parameters():
            p.copy_(scale * torch.randn(p.shape, generator=gen, dtype=torch.float64))
    return cell


# -- ex-coupled-from-lstm: an LSTM whose input gate has the negated forget rows is the coupled cell ---------


def _lstm_from_coupled(coupled, *, stack=lambda f, g, o: [-f, f, g, o], negate_bias=True):
    with torch.random.fork_rng(devices=[]):
        lstm = LSTMCell(coupled.input_size, coupled.hidden_size).double()
    with torch.no_grad():
        for name in ("weight_x", "weight_h", "bias"):
            f, g, o = getattr(coupled, name).chunk(3, dim=0)
            blocks = stack(f, g, o)
            if name == "bias" and not negate_bias:
                blocks[0] = f
            getattr(lstm, name).copy_(torch.cat(blocks))
    return lstm


def _run(cell, x):
    """What a cell computes on ``x``: its hidden state at every step and its last cell state."""
    outputs, (_, c_n) = unroll(cell, x)
    return outputs, c_n


def _cases():
    gen = torch.Generator().manual_seed(12)
    cases = []
    for batch, steps, inputs, hidden in [(2, 6, 3, 4), (1, 8, 2, 1), (3, 5, 1, 3)]:
        coupled = random_cell(CoupledLSTMCell, gen, inputs, hidden)
        x = torch.randn(batch, steps, inputs, generator=gen, dtype=torch.float64)
        cases.append(Case((coupled, x), {}, f"a CoupledLSTMCell({inputs}, {hidden}) run on x of shape {list(x.shape)}"))
    return cases


_COUPLED_MISTAKES = [
    (lambda c: _lstm_from_coupled(c, stack=lambda f, g, o: [f, f, g, o]),
     "the forget rows copied into the input gate without negating them (then i_t = f_t, not 1 - f_t)"),
    (lambda c: _lstm_from_coupled(c, negate_bias=False),
     "the input gate's weights negated but its bias copied as it was"),
    (lambda c: _lstm_from_coupled(c, stack=lambda f, g, o: [f, -f, g, o]),
     "the blocks stacked f, i, g, o: the LSTM's order is i, f, g, o"),
    (lambda c: _lstm_from_coupled(c, stack=lambda f, g, o: [0 * f, f, g, o]),
     "the input gate's rows set to zero (then i_t = 1/2, not 1 - f_t)"),
    (lambda c: _lstm_from_coupled(c, stack=lambda f, g, o: [1 - f, f, g, o]),
     "the rows 1 - W_f in the input gate: 1 - f_t is sigmoid(-z_f), so the rows must be -W_f"),
    (lambda c: _lstm_from_coupled(c, stack=lambda f, g, o: [-f, f, o, g]),
     "the candidate's and the output gate's blocks swapped: both cells keep g before o"),
    (lambda c: _lstm_from_coupled(c, stack=lambda f, g, o: [-f, -f, g, o]),
     "the forget rows negated too: only the input gate's rows are -W_f"),
]


@guarded
def check_lstm_from_coupled(lstm_from_coupled) -> bool:
    """Check ``lstm_from_coupled(coupled) -> lt.LSTMCell`` computing what the coupled cell computes."""
    return check_cells(
        lstm_from_coupled, _lstm_from_coupled, _cases(), kind=LSTMCell, name="lstm_from_coupled", run=_run,
        outputs=("the LSTM's h_t at every step", "its last cell state C_T"), mistakes=_COUPLED_MISTAKES,
    )
