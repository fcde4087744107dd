"""Checkers for the exercises of chapter 14 (further afield: the depth gate and the clockwork RNN)."""

from __future__ import annotations

import contextlib
import copy
import io

import torch

from ..cells.clockwork import ClockworkRNN
from ..cells.lstm import LSTMCell
from ..cells.unroll import unroll
from ._harness import call_student, case, check_function, guarded
from .ch12 import as_number, changed_in_place, verdict

__all__ = ["check_clockwork_work", "check_run_in_two_parts"]


def _cell(kind, gen, *args, scale=0.5, **kwargs):
    """A float64 cell with weights drawn from ``gen``; building it leaves the global seed alone."""
    with torch.random.fork_rng(devices=[]):
        cell = kind(*args, **kwargs).double()
    with torch.no_grad():
        for p in cell.parameters():
            p.copy_(scale * torch.randn(p.shape, generator=gen, dtype=torch.float64))
    return cell


# -- ex-clockwork-work: the share of a plain RNN's recurrent multiplications ----------------------------


def _clockwork_work(cell, steps, *, rows=True, mask=True, schedule=True, first_step=0, per="fraction"):
    H = cell.hidden_size
    kept = cell.mask if mask else torch.ones_like(cell.mask)
    per_unit = kept.sum(dim=1 if rows else 0)  # multiplications of each unit when it updates
    t = torch.arange(first_step, first_step + steps)
    updates = t % cell.unit_period[:, None] == 0  # (units, steps)
    if not schedule:
        updates = torch.ones_like(updates)
    work = (per_unit[:, None] * updates).sum().item()
    return {"fraction": work / (H * H * steps), "count": work, "per step": work / (H * H)}[per]


def _work_cases():
    cases = []
    for inputs, hidden, periods, steps in [
        (1, 48, (1, 2, 4, 8, 16, 32), 128),
        (2, 12, (1, 3, 5), 10),
        (1, 8, (2, 4, 1, 8), 13),
        (1, 3, (1, 2, 4), 1),
        (2, 6, (3, 6), 7),
    ]:
        with torch.random.fork_rng(devices=[]):
            cell = ClockworkRNN(inputs, hidden, periods)
        cases.append(case(cell, steps, description=f"a ClockworkRNN({inputs}, {hidden}, periods={periods}) "
                                                   f"over steps={steps}"))
    return cases


_WORK_MISTAKES = [
    (lambda c, s: _clockwork_work(c, s, mask=False),
     "the mask left out: an updating unit reads only the units its row of the mask keeps, not all H"),
    (lambda c, s: _clockwork_work(c, s, rows=False),
     "the mask summed over its columns (mask.sum(dim=0)): row i of the mask lists the units unit i "
     "reads, so its multiplications are the row sums, mask.sum(dim=1)"),
    (lambda c, s: _clockwork_work(c, s, schedule=False),
     "every module counted at every step: a module with period T updates only at the steps with "
     "t mod T == 0"),
    (lambda c, s: _clockwork_work(c, s, first_step=1),
     "the steps counted as t = 1, ..., steps: they run t = 0, ..., steps - 1, and every module "
     "updates at step 0"),
    (lambda c, s: _clockwork_work(c, s, per="count"),
     "the number of multiplications, not its fraction of a plain RNN's H * H * steps"),
    (lambda c, s: _clockwork_work(c, s, per="per step"),
     "the work divided by H * H but not by the number of steps"),
    (lambda c, s: _clockwork_work(c, s, mask=False, schedule=False),
     "neither the mask nor the schedule used: that is a plain RNN's work, always 1"),
]


def _buffers(cell):
    return {k: v.clone() for k, v in cell.named_buffers()}


@guarded
def check_clockwork_work(clockwork_work) -> bool:
    """Check ``clockwork_work(cell, steps) -> float``: a clockwork RNN's recurrent multiplications, skipping
    resting modules and masked weights, as a fraction of a plain RNN's ``H * H * steps``."""
    name = "clockwork_work"
    cases = _work_cases()
    ons, expected, got = [], [], []
    for number, c in enumerate(cases, start=1):
        on = f"on input {number} of {len(cases)}: {c.description}"
        cell, steps = c.args
        theirs = copy.deepcopy(cell)
        ok, result = call_student(clockwork_work, name, theirs, steps, on=on)
        if not ok:
            return False
        before, after = _buffers(cell), _buffers(theirs)
        changed = [k for k in before if k not in after or not torch.equal(before[k], after[k])]
        if changed:
            print(f"✗ {name} changes the cell's {changed[0]} in place ({on}): count from it without writing "
                  "into it (no `+=`, `*=` or other in-place operations on cell.mask or cell.unit_period).")
            return False
        if changed_in_place(name, cell, theirs, on, "count from its mask and periods without writing into "
                            "the cell."):
            return False
        ons.append(on)
        expected.append(_clockwork_work(cell, steps))
        got.append(as_number(result))
    mistakes = [(lambda k, w=wrong: w(*cases[k].args), what) for wrong, what in _WORK_MISTAKES]
    return verdict(name, ons, expected, got, mistakes, atol=1e-9, rtol=1e-6)


# -- ex-clockwork-restart: two calls, the state passed on, equal one call ----------------------------------


def _run_in_two_parts(cell, x, split, *, pass_state=True, keep_first=True):
    with torch.no_grad():
        first, state = unroll(cell, x[:, :split])
        second, _ = unroll(cell, x[:, split:], state if pass_state else None)
    return torch.cat([first, second], dim=1) if keep_first else second


def _two_parts_cases():
    gen = torch.Generator().manual_seed(14)
    cases = []
    for kind, inputs, hidden, extra, batch, steps, split in [
        (ClockworkRNN, 2, 6, {"periods": (1, 2, 3)}, 2, 9, 4),
        (ClockworkRNN, 1, 8, {"periods": (1, 2, 4, 8)}, 1, 16, 8),
        (LSTMCell, 3, 4, {}, 3, 7, 3),
        (LSTMCell, 2, 1, {}, 1, 5, 1),
    ]:
        cell = _cell(kind, gen, inputs, hidden, **extra)
        x = torch.randn(batch, steps, inputs, generator=gen, dtype=torch.float64)
        sizes = ", ".join([str(inputs), str(hidden)] + [f"{k}={v}" for k, v in extra.items()])
        cases.append(case(cell, x, split, description=(
            f"a {kind.__name__}({sizes}), x of shape {list(x.shape)}, split={split}")))
    return cases


_TWO_PARTS_MISTAKES = [
    (lambda c, x, s: _run_in_two_parts(c, x, s, pass_state=False),
     "the second part started afresh (state=None): h and the clockwork's step counter restart at 0; "
     "pass on the state the first part returns"),
    (lambda c, x, s: _run_in_two_parts(c, x, s, keep_first=False),
     "only the second part's outputs: join both parts along time with torch.cat(..., dim=1)"),
    (lambda c, x, s: _run_in_two_parts(c, x, s, pass_state=False, keep_first=False),
     "only the second part's outputs, started afresh: pass on the state, and join both parts"),
]


def _recording(cell, log: list):
    """``cell``, made to note the shape of every input its ``project`` sees (one (batch, time, features)
    per ``unroll``, one (batch, features) per single step), and otherwise unchanged. The note survives a
    ``copy.deepcopy`` of the cell, since it lives in the cell's class."""
    base = type(cell)

    def project(self, x):
        log.append(tuple(x.shape))
        return base.project(self, x)

    cell.__class__ = type(base.__name__, (base,), {"project": project, "__module__": base.__module__,
                                                   "__qualname__": base.__qualname__})
    return cell


def _how_it_ran(name: str, log: list, steps: int, split: int, on: str) -> bool:
    """True if the cell ran in the two parts asked for (or step by step, which cannot be told apart);
    otherwise one printed sentence saying how it ran."""
    runs = [shape[1] for shape in log if len(shape) == 3]
    if not runs or any(len(shape) == 2 for shape in log):
        return True
    for k in range(len(runs) - 1):
        if runs[k] == split and steps - split in runs[k + 1:]:
            return True
    if steps in runs:
        print(f"✗ {name} gives the right outputs but runs the cell over the whole sequence in one call "
              f"(all {steps} steps at once, {on}): the exercise asks for two runs, one over x[:, :split] and "
              "one over x[:, split:] that starts from the state the first one returned.")
    else:
        print(f"✗ {name} gives the right outputs but its runs of the cell covered {runs} steps ({on}): the "
              f"first should be x[:, :split] ({split} steps), the second x[:, split:] ({steps - split} steps), "
              "started from the state the first one returned.")
    return False


@guarded
def check_run_in_two_parts(run_in_two_parts) -> bool:
    """Check ``run_in_two_parts(cell, x, split) -> outputs``: the cell run over ``x[:, :split]`` and then,
    from the state reached, over ``x[:, split:]``; both parts' outputs joined along time.

    First the outputs, on every case; then the mechanism: a run over the whole sequence gives the
    same outputs, so each case is run once more with a cell that notes how it was called.
    """
    name = "run_in_two_parts"
    cases = _two_parts_cases()
    said = io.StringIO()
    with contextlib.redirect_stdout(said):  # its sentence of success is not the last word
        outputs_right = check_function(run_in_two_parts, _run_in_two_parts, cases, name=name,
                                       mistakes=_TWO_PARTS_MISTAKES)
    if not outputs_right:
        print(said.getvalue(), end="")
        return False
    for number, c in enumerate(cases, start=1):
        cell, x, split = c.args
        log: list = []
        on = f"on input {number} of {len(cases)}: {c.description}"
        ok, _ = call_student(run_in_two_parts, name, _recording(copy.deepcopy(cell), log), x.clone(), split, on=on)
        if not ok or not _how_it_ran(name, log, x.shape[1], split, on):
            return False
    print(f"✓ {name} gives the expected result on all {len(cases)} inputs, running the cell in two parts.")
    return True
