"""Checkers for the exercises of chapter 14 (further afield: the depth gate and the clockwork RNN)."""

from __future__ import annotations

import torch

from ..clockwork import ClockworkRNN
from ..lstm import LSTMCell
from ..unroll import unroll
from ._harness import case, check_function, guarded

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
]


@guarded
def check_clockwork_work(clockwork_work) -> bool:
    """Check ``clockwork_work(cell, steps) -> float``: a clockwork RNN's recurrent multiplications, skipping
    resting modules and masked weights, as a fraction of a plain RNN's ``H * H * steps``."""
    return check_function(
        clockwork_work,
        _clockwork_work,
        _work_cases(),
        name="clockwork_work",
        mistakes=_WORK_MISTAKES,
    )


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


@guarded
def check_run_in_two_parts(run_in_two_parts) -> bool:
    """Check ``run_in_two_parts(cell, x, split) -> outputs``: the cell run over ``x[:, :split]`` and then,
    from the state reached, over ``x[:, split:]``; both parts' outputs joined along time."""
    return check_function(
        run_in_two_parts,
        _run_in_two_parts,
        _two_parts_cases(),
        name="run_in_two_parts",
        mistakes=_TWO_PARTS_MISTAKES,
    )
