"""Trying a student's answer against the reference, and saying in one sentence what is wrong.

A checker calls :func:`check_function` with the student's function, the reference, a few
inputs, and the typical mistakes it knows. It prints one plain sentence and returns True or
False; it never raises, so an unanswered exercise does not stop the notebook, and the
student never sees a traceback from inside the checker.
"""

from __future__ import annotations

import copy
import functools
import inspect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch

NOT_IMPLEMENTED = "is not implemented yet"


@dataclass
class Case:
    """One input to try: the arguments, and how to name them to a student."""

    args: tuple
    kwargs: dict = field(default_factory=dict)
    description: str | None = None

    def describe(self, names: Sequence[str] = ()) -> str:
        if self.description is not None:
            return self.description
        named = list(zip(names, self.args, strict=False))
        parts = [_named(n, a) for n, a in named]
        parts += [_describe_value(a) for a in self.args[len(named):]]
        parts += [_named(k, v) for k, v in self.kwargs.items()]
        return ", ".join(parts)


def case(*args, description: str | None = None, **kwargs) -> Case:
    """A :class:`Case` from the arguments as they would be passed."""
    return Case(args, kwargs, description)


def _named(name: str, value) -> str:
    if isinstance(value, torch.Tensor) and value.dim():
        return f"{name} of shape {list(value.shape)}"
    return f"{name}={_describe_value(value)}"


def _describe_value(value) -> str:
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {list(value.shape)}" if value.dim() else f"{value.item():.4g}"
    if isinstance(value, torch.nn.Module):
        return f"a {type(value).__name__}"
    if isinstance(value, (list, tuple)) and len(value) > 4:
        return f"a {type(value).__name__} of {items(len(value))}"
    return repr(value)


def items(n: int, noun: str = "item") -> str:
    """``1 item``, ``3 items``: a count as a sentence says it."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _describe_type(value) -> str:
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {list(value.shape)}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {items(len(value))}"
    if value is None:
        return "None"
    return f"a {type(value).__name__} ({value!r})" if _is_number(value) else f"a {type(value).__name__}"


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def compare(
    expected, got, *, atol: float, rtol: float, where: str = "the result", names: Sequence[str] = ()
) -> str | None:
    """None if ``got`` matches ``expected``; otherwise what differs, as a phrase.

    ``names`` names the items of a tuple result (``("h_t", "c_t")``) for the message.
    """
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)):
            return (
                f"{where} should be a {type(expected).__name__} of {items(len(expected))}{_naming(names)}, "
                f"got {_describe_type(got)}"
            )
        if len(got) != len(expected):
            return f"{where} should have {items(len(expected))}{_naming(names)}, got {len(got)}"
        for k, (e, g) in enumerate(zip(expected, got, strict=True)):
            item = names[k] if k < len(names) else f"item {k} of {where}"
            problem = compare(e, g, atol=atol, rtol=rtol, where=item)
            if problem:
                return problem
        return None
    if isinstance(expected, torch.Tensor):
        if not isinstance(got, torch.Tensor):
            return f"{where} should be a tensor of shape {list(expected.shape)}, got {_describe_type(got)}"
        if got.shape != expected.shape:
            return f"{where} should have shape {list(expected.shape)}, got {list(got.shape)}"
        if got.is_complex() or expected.is_complex():
            return f"{where} should be a real tensor, got dtype {got.dtype}"
        got_d = got.detach().to(torch.float64)
        exp_d = expected.detach().to(torch.float64)
        if expected.dtype == torch.bool or got.dtype == torch.bool:
            if not torch.equal(got_d, exp_d):
                return f"{where} has wrong values: {_first_difference(exp_d, got_d)}"
            return None
        if not torch.allclose(got_d, exp_d, atol=atol, rtol=rtol, equal_nan=True):
            return f"{where} has wrong values: {_first_difference(exp_d, got_d)}"
        return None
    if isinstance(expected, bool):
        if got is not expected and got != expected:
            return f"{where} should be {expected}, got {got!r}"
        return None
    if _is_number(expected):
        if isinstance(got, torch.Tensor) and got.numel() == 1:
            got = got.item()
        if not _is_number(got):
            return f"{where} should be a number, got {_describe_type(got)}"
        if not math.isclose(got, expected, rel_tol=rtol, abs_tol=atol):
            return f"{where} should be {expected:.6g}, got {got:.6g}"
        return None
    if got != expected:
        return f"{where} should be {expected!r}, got {got!r}"
    return None


def _naming(names: Sequence[str]) -> str:
    return f" ({', '.join(names)})" if names else ""


def _first_difference(expected: torch.Tensor, got: torch.Tensor) -> str:
    diff = (got - expected).abs().nan_to_num(nan=math.inf)
    index = tuple(int(i) for i in torch.unravel_index(diff.argmax(), diff.shape))
    at = f" at index {list(index)}" if index else ""
    return f"expected {expected[index].item():.6g}{at}, got {got[index].item():.6g}"


def _matches(expected, got, atol: float, rtol: float) -> bool:
    return compare(expected, got, atol=atol, rtol=rtol) is None


def check_function(
    student: Callable,
    reference: Callable,
    cases: Sequence[Case],
    *,
    name: str | None = None,
    mistakes: Sequence[tuple[Callable, str]] = (),
    outputs: Sequence[str] = (),
    atol: float = 1e-6,
    rtol: float = 1e-5,
    inputs_unchanged: bool = True,
) -> bool:
    """Run ``student`` and ``reference`` on every case, print one sentence, return success.

    ``mistakes`` pairs a wrong implementation with a phrase naming the mistake ("sigmoid
    where tanh belongs"); when the student's result matches one, the message says so.
    ``outputs`` names the items of a tuple result, e.g. ``("h_t", "c_t")``. An answer that
    writes into the tensors or modules it was given fails even when its result is right,
    unless ``inputs_unchanged=False`` (an exercise that asks for an in-place change).
    """
    name = name or getattr(student, "__name__", "your function")
    if not callable(student):
        print(f"✗ {name} should be a function, but got {_describe_type(student)}.")
        return False
    try:
        arg_names = list(inspect.signature(student).parameters)
    except (TypeError, ValueError):
        arg_names = []
    for number, c in enumerate(cases, start=1):
        on = f"on input {number} of {len(cases)}: {c.describe(arg_names)}"
        expected = reference(*_fresh(c.args), **_fresh(c.kwargs))
        args, kwargs = _fresh(c.args), _fresh(c.kwargs)
        try:
            got = student(*args, **kwargs)
            problem = compare(expected, got, atol=atol, rtol=rtol, names=outputs)
        except NotImplementedError:
            print(f"✗ {name} {NOT_IMPLEMENTED}: replace `raise NotImplementedError` with your answer.")
            return False
        except Exception as error:  # noqa: BLE001 - the student's error is the message
            print(
                f"✗ {name} raised {type(error).__name__}: {_one_line(error)} "
                f"({on}).{_error_hint(error)}"
            )
            return False
        if problem is None:
            changed = changed_inputs(c, args, kwargs, arg_names) if inputs_unchanged else None
            if changed is None:
                continue
            print(
                f"✗ {name} gives the right result but changes {changed} in place ({on}): "
                "leave the arguments as they were given and compute new tensors instead "
                "(no `+=`, `.copy_()` or other in-place operations on them)."
            )
            return False
        hint = ""
        for wrong, what in mistakes:
            try:
                if _matches(wrong(*_fresh(c.args), **_fresh(c.kwargs)), got, atol, rtol):
                    hint = f" It matches what you get with {what}."
                    break
            except Exception:  # noqa: BLE001, S112 - a mistake model that cannot run is no hint
                continue
        print(f"✗ {name}: {problem} ({on}).{hint}")
        return False
    print(f"✓ {name} gives the expected result on all {len(cases)} inputs.")
    return True


def call_student(function: Callable, name: str, *args, on: str = "", **kwargs):
    """Call a student's ``function``; return ``(True, result)``, or print one sentence saying
    why it failed (not implemented, or the error it raised) and return ``(False, None)``."""
    where = f" ({on})" if on else ""
    if not callable(function):
        print(f"✗ {name} should be a function, but got {_describe_type(function)}.")
        return False, None
    try:
        return True, function(*args, **kwargs)
    except NotImplementedError:
        print(f"✗ {name} {NOT_IMPLEMENTED}: replace `raise NotImplementedError` with your answer.")
    except Exception as error:  # noqa: BLE001 - the student's error is the message
        print(f"✗ {name} raised {type(error).__name__}: {_one_line(error)}{where}.{_error_hint(error)}")
    return False, None


def guarded(checker: Callable) -> Callable:
    """The last guard of a checker: whatever a student's code raises, or whatever use of what it
    returned fails, inside ``checker``, becomes one printed sentence and ``False``.

    Checkers that call a student's function themselves (not through :func:`check_function`)
    are wrapped in this, so that a checker never raises into the student's notebook.
    """

    @functools.wraps(checker)
    def run(answer, *args, **kwargs):
        name = getattr(answer, "__name__", None) or checker.__name__.removeprefix("check_")
        try:
            return bool(checker(answer, *args, **kwargs))
        except NotImplementedError:
            print(f"✗ {name} {NOT_IMPLEMENTED}: replace `raise NotImplementedError` with your answer.")
        except Exception as error:  # noqa: BLE001 - the student's error is the message
            print(
                f"✗ {name} failed: {type(error).__name__}: {_one_line(error)}. Check what your answer "
                f"returns against the exercise's description.{_error_hint(error)}"
            )
        return False

    return run


def changed_inputs(c: Case, args, kwargs, arg_names: Sequence[str] = ()) -> str | None:
    """Which argument of case ``c`` the student's copy ``args``/``kwargs`` no longer equals, named
    as a sentence would name it (``c_prev``, ``the module's weight_hh_l0``), or None."""
    pairs = [(arg_names[k] if k < len(arg_names) else f"argument {k + 1}", a, b)
             for k, (a, b) in enumerate(zip(c.args, args, strict=False))]
    pairs += [(key, c.kwargs[key], kwargs[key]) for key in c.kwargs if key in kwargs]
    for label, before, after in pairs:
        what = _difference(before, after)
        if what is not None:
            return f"{label}{what}"
    return None


def _difference(before, after) -> str | None:
    """'' or a phrase (" (its weight_h)") if ``after`` is no longer equal to ``before``; None if equal."""
    if isinstance(before, torch.Tensor):
        if not isinstance(after, torch.Tensor) or not _same_tensor(before, after):
            return ""
        return None
    if isinstance(before, torch.nn.Module):
        if not isinstance(after, torch.nn.Module):
            return ""
        theirs = after.state_dict()
        for key, value in before.state_dict().items():
            if key not in theirs or not _same_tensor(value, theirs[key]):
                return f" (its {key})"
        return None
    if isinstance(before, (list, tuple)):
        if not isinstance(after, (list, tuple)) or len(before) != len(after):
            return ""
        for k, (b, a) in enumerate(zip(before, after, strict=True)):
            what = _difference(b, a)
            if what is not None:
                return f" (item {k}{what})" if not what else what
        return None
    if isinstance(before, dict):
        if not isinstance(after, dict) or before.keys() != after.keys():
            return ""
        for key in before:
            what = _difference(before[key], after[key])
            if what is not None:
                return f" (its {key!r})" if not what else what
        return None
    return None


def _same_tensor(a: torch.Tensor, b: torch.Tensor) -> bool:
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    a, b = a.detach(), b.detach()
    if a.is_floating_point():
        return bool(((a == b) | (a.isnan() & b.isnan())).all())
    return torch.equal(a, b)


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())


def _error_hint(error: Exception) -> str:
    text = str(error)
    if "shapes cannot be multiplied" in text or "size of tensor a" in text:
        return " Check that each weight is used the right way round (x @ W.T, or W @ x) and that the shapes agree."
    return ""


def _fresh(value):
    """Copies of the inputs, so a student's in-place change cannot alter the reference's."""
    if isinstance(value, torch.Tensor):
        return value.clone()
    if isinstance(value, torch.nn.Module):
        return copy.deepcopy(value)
    if isinstance(value, torch.Generator):
        twin = torch.Generator(device=value.device)
        twin.set_state(value.get_state())
        return twin
    if isinstance(value, tuple):
        return tuple(_fresh(v) for v in value)
    if isinstance(value, list):
        return [_fresh(v) for v in value]
    if isinstance(value, dict):
        return {k: _fresh(v) for k, v in value.items()}
    return value


def report(ok: bool, success: str, failure: str) -> bool:
    """For checks that are not a function call: print one sentence, return ``ok``."""
    print(f"✓ {success}" if ok else f"✗ {failure}")
    return ok
