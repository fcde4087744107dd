"""Checkers for the exercises of chapter 1 (thinking with memory)."""

from __future__ import annotations

import contextlib
import copy
import functools
import numbers

import torch

from ..cells.rnn import RNNCell
from ..cells.unroll import unroll
from ._harness import NOT_IMPLEMENTED, _describe_type, _one_line, case, check_function, guarded, report

__all__ = ["check_make_counter", "check_run_rnn"]


# -- helpers the early chapters share ---------------------------------------------------------------------


def dtype_hint(function):
    """``function``, with a hint added to a dtype clash: the checkers' inputs are float64, and a
    state made with ``torch.zeros(...)`` is float32."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except (RuntimeError, ValueError) as error:
            text = _one_line(error)
            if "dtype" not in text and "double" not in text:
                raise
            raise type(error)(
                f"{text}. The checker's inputs are float64: make your own tensors and cells in that dtype "
                "(x.new_zeros(...), torch.zeros(..., dtype=x.dtype), or .double() on a cell or module)"
            ) from error

    return run


def _is_dtype_clash(error: Exception) -> bool:
    text = _one_line(error)
    return isinstance(error, (RuntimeError, ValueError)) and any(
        word in text for word in ("dtype", "Double", "double", "scalar type"))


def _in_float32(value):
    """``value`` with every float64 tensor and module in float32 (copies; the original is left alone)."""
    if isinstance(value, torch.Tensor):
        return value.float() if value.dtype == torch.float64 else value
    if isinstance(value, torch.nn.Module):
        return copy.deepcopy(value).float()
    if isinstance(value, (list, tuple)):
        return type(value)(_in_float32(v) for v in value)
    if isinstance(value, dict):
        return {k: _in_float32(v) for k, v in value.items()}
    return value


def dtype_tolerant(function):
    """``function``, run again on float32 copies of its inputs when it fails on a dtype clash (a state
    made with ``torch.zeros(...)`` or a module built in float32, against the checker's float64 inputs):
    the exercise asks for no dtype, so an answer right in float32 is right. If the float32 run fails
    too, the first error is raised with :func:`dtype_hint`'s advice."""
    hinted = dtype_hint(function)

    @functools.wraps(function)
    def run(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except (RuntimeError, ValueError) as error:
            if not _is_dtype_clash(error):
                raise
            try:
                return function(*_in_float32(args), **_in_float32(kwargs))
            except Exception:  # noqa: BLE001 - the float64 error is the one to explain
                return hinted(*args, **kwargs)

    return run


def as_number(function):
    """``function``, with a NumPy scalar result (``np.int64(84)``, from ``np.prod`` and the like) turned
    into the Python number it stands for, so that a right count or norm is not refused for its type."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        result = function(*args, **kwargs)
        if not isinstance(result, (bool, torch.Tensor)) and isinstance(result, (numbers.Integral, numbers.Real)):
            return int(result) if isinstance(result, numbers.Integral) else float(result)
        return result

    return run


@contextlib.contextmanager
def refusing(targets, message: str, when=None):
    """Inside the block, each method ``(owner, attribute)`` of ``targets`` raises ``RuntimeError(message)``
    when called (only when ``when(self, *args)`` is true, if given; else it runs as before): a student's
    answer must not run, or build, what the exercise asks it to do by hand. Restored afterwards."""
    saved = [(owner, attribute, owner.__dict__[attribute]) for owner, attribute in targets]

    def refuse_instead_of(original):
        @functools.wraps(original)
        def refuse(*args, **kwargs):
            if when is None or when(*args, **kwargs):
                raise RuntimeError(message)
            return original(*args, **kwargs)

        return refuse

    try:
        for owner, attribute, original in saved:
            setattr(owner, attribute, refuse_instead_of(original))
        yield
    finally:
        for owner, attribute, original in saved:
            setattr(owner, attribute, original)


def run_refusing(function, targets, message: str, when=None):
    """``function``, run inside :func:`refusing`."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        with refusing(targets, message, when):
            return function(*args, **kwargs)

    return run


def built_cell(build, args, kind, name: str, *, input_size: int, hidden_size: int, need_bias: bool = True):
    """Call ``build(*args)`` once; return what it built if it is a ``kind`` of the given sizes,
    else print in one sentence what is wrong and return None. ``need_bias=False`` accepts a cell
    built with ``bias=False`` (for a cell whose bias is meant to be zero)."""
    try:
        built = build(*args)
    except NotImplementedError:
        print(f"✗ {name} {NOT_IMPLEMENTED}: replace `raise NotImplementedError` with your answer.")
        return None
    except Exception as error:  # noqa: BLE001 - the student's error is the message
        print(f"✗ {name} raised {type(error).__name__}: {_one_line(error)}.")
        return None
    wanted = f"an lt.{kind.__name__}({input_size}, {hidden_size})"
    if not isinstance(built, kind):
        hint = " (did you forget `return cell`?)" if built is None else ""
        print(f"✗ {name} should return {wanted}, got {_describe_type(built)}{hint}.")
        return None
    if (built.input_size, built.hidden_size) != (input_size, hidden_size):
        print(f"✗ {name} should return {wanted}, got one with input_size={built.input_size} and "
              f"hidden_size={built.hidden_size}.")
        return None
    if need_bias and built.bias is None:
        print(f"✗ {name} should return {wanted} with a bias (bias=True), got one with bias=False.")
        return None
    return built


def one_by_one_weights(cell) -> tuple[float, float, float]:
    """W_x, W_h and b of a cell with one input and one unit, as numbers (b = 0 without a bias)."""
    b = 0.0 if cell.bias is None else cell.bias.item()
    return cell.weight_x.item(), cell.weight_h.item(), b


# -- ex-rnn-sequence: run_rnn(x, W_x, W_h, b) -> the states of all steps ----------------------------------


def _run_rnn(x, W_x, W_h, b, *, phi=torch.tanh, carry=True, transpose_h=True, transpose_x=True, bias=True,
             squash_recurrence=True, start=None):
    h = x.new_zeros(x.shape[0], W_h.shape[0]) if start is None else start(x, W_x, W_h, b)
    states = []
    for x_t in x.unbind(1):
        if not carry:
            h = torch.zeros_like(h)
        recurrent = h @ (W_h.T if transpose_h else W_h)
        z = x_t @ (W_x.T if transpose_x else W_x) + (b if bias else 0)
        h = phi(z + recurrent) if squash_recurrence else phi(z) + recurrent
        states.append(h)
    return torch.stack(states, dim=1)


def _one_step_late(x, W_x, W_h, b):
    states = _run_rnn(x, W_x, W_h, b)
    return torch.cat([torch.zeros_like(states[:, :1]), states[:, :-1]], dim=1)


def _rnn_cases():
    gen = torch.Generator().manual_seed(1)
    cases = []
    # (batch, steps, input_size, hidden_size): the first separates every mistake below; then batch 1
    # with input 1 (a .squeeze() breaks there), input = hidden (an untransposed W_x gives numbers, not an
    # error), one step with hidden 1, and batch = steps (time and batch axes swapped keep the shape)
    for batch, steps, inputs, hidden in [(2, 5, 3, 4), (1, 8, 1, 2), (3, 4, 2, 6), (2, 3, 3, 3), (3, 1, 2, 1),
                                         (4, 4, 2, 3)]:
        def r(*shape):
            return torch.randn(*shape, generator=gen, dtype=torch.float64)

        cases.append(case(r(batch, steps, inputs), r(hidden, inputs), r(hidden, hidden), r(hidden)))
    return cases


@guarded
def check_run_rnn(run_rnn) -> bool:
    """Check ``run_rnn(x, W_x, W_h, b) -> states``, h_t = tanh(W_x x_t + W_h h_{t-1} + b) from h_{-1} = 0,
    for x of shape (batch, steps, input_size); states of shape (batch, steps, hidden_size)."""
    return check_function(
        dtype_tolerant(run_rnn) if callable(run_rnn) else run_rnn,
        _run_rnn,
        _rnn_cases(),
        name="run_rnn",
        outputs=(),
        mistakes=[
            (lambda *a: _run_rnn(*a, phi=lambda z: z), "no tanh: h_t = W_x x_t + W_h h_{t-1} + b"),
            (lambda *a: _run_rnn(*a, phi=torch.sigmoid), "a sigmoid where the tanh belongs"),
            (lambda *a: _run_rnn(*a, phi=torch.relu), "a ReLU where the tanh belongs"),
            (lambda *a: _run_rnn(*a, carry=False),
             "every step started from h = 0 instead of the previous step's state h_{t-1}"),
            (lambda *a: _run_rnn(*a, transpose_h=False), "W_h used untransposed (h @ W_h instead of h @ W_h.T)"),
            (lambda *a: _run_rnn(*a, transpose_x=False), "W_x used untransposed (x_t @ W_x instead of x_t @ W_x.T)"),
            (lambda *a: _run_rnn(*a, bias=False), "the bias b left out"),
            (lambda *a: _run_rnn(*a, squash_recurrence=False),
             "the tanh applied to W_x x_t + b only, with W_h h_{t-1} added after it: the tanh takes the whole sum"),
            (lambda x, W_x, W_h, b: _run_rnn(x, W_x, W_h, b, start=lambda x, W_x, W_h, b: b.expand(x.shape[0], -1)),
             "the state started from b instead of h_{-1} = 0"),
            (_one_step_late, "the states shifted by one step: h_{-1} = 0 stored first and the last state missing"),
            (lambda *a: _run_rnn(*a).transpose(0, 1),
             "the states stacked along the first axis, (steps, batch, hidden_size): stack them along dim=1"),
        ],
    )


# -- ex-counter: a one-unit ReLU cell whose state counts the ones ------------------------------------------


def _streams():
    gen = torch.Generator().manual_seed(11)
    random_bits = torch.randint(0, 2, (40,), generator=gen).tolist()
    return [
        ([1, 0, 1, 1, 0, 0, 1, 1, 1, 0], "the stream 1 0 1 1 0 0 1 1 1 0"),
        ([0] * 8, "a stream of 8 zeros"),
        ([1] * 30, "a stream of 30 ones"),
        ([0, 0, 0, 1, 1, 0, 1], "the stream 0 0 0 1 1 0 1"),
        (random_bits, "a random stream of 40 bits"),
    ]


def _counter_hint(cell) -> str:
    w_x, w_h, b = one_by_one_weights(cell)
    hints = []
    if cell.nonlinearity != "relu":
        hints.append(f"Your cell uses {cell.nonlinearity}: its state stays below 1, so it cannot count past one "
                     "(use nonlinearity=\"relu\").")
    if abs(w_h - 1) > 1e-6:
        hints.append(f"Your W_h is {w_h:.4g}: the old count is multiplied by W_h at every step, so W_h must be 1 "
                     "to keep it as it is.")
    if abs(w_x - 1) > 1e-6:
        hints.append(f"Your W_x is {w_x:.4g}: each one adds W_x to the state, and it should add exactly 1.")
    if abs(b) > 1e-6:
        hints.append(f"Your b is {b:.4g}: the bias is added at every step, after a zero as well as after a one.")
    return "".join(" " + hint for hint in hints)


def _ones(n: int) -> str:
    return "1 one has" if n == 1 else f"{n} ones have"


@guarded
def check_make_counter(make_counter) -> bool:
    """Check ``make_counter() -> lt.RNNCell(1, 1, nonlinearity="relu")`` whose state h_t is the number of
    ones among the bits x_0, ..., x_t: run it on several bit streams and compare h_t with the count."""
    name = "make_counter"
    cell = built_cell(make_counter, (), RNNCell, name, input_size=1, hidden_size=1, need_bias=False)
    if cell is None:
        return False
    cell = copy.deepcopy(cell).double()
    for bits, what in _streams():
        x = torch.tensor(bits, dtype=torch.float64).view(1, -1, 1)
        with torch.no_grad():
            states, _ = unroll(cell, x)
        counts = torch.cumsum(x[0, :, 0], dim=0)
        wrong = (states[0, :, 0] - counts).abs() > 1e-6
        if wrong.any():
            t = int(wrong.nonzero()[0])
            read = [str(bit) for bit in bits[: t + 1]]
            seen = " ".join(read) if len(read) <= 12 else "… " + " ".join(read[-10:])
            return report(False, "", (
                f"{name}: on {what}, after step {t} (bits read: {seen}) the state is "
                f"{states[0, t, 0].item():.4g}, but {_ones(int(counts[t]))} been seen."
                + _counter_hint(cell)))
    return report(True, f"{name} counts the ones correctly on all {len(_streams())} streams.", "")
