"""The bookkeeping of a small study of variants over seeds (chapter 15).

The models of such a study are the members of one ensemble, one member per variant and
seed, named by their variant. These helpers group per-member results by variant, read from
the training curves how long each run sat on its plateau, and summarise a row of the table.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

import numpy as np

from ..figures.plots import plateau_end


def by_variant(names: Sequence[str], values: Sequence) -> dict[str, list]:
    """``{variant: [value per seed]}`` from one value per member and the members' names, in
    the order the variants first appear."""
    if len(names) != len(values):
        raise ValueError(f"by_variant expected one value per name, got {len(values)} values for {len(names)} names")
    grouped: dict[str, list] = {}
    for name, value in zip(names, values, strict=True):
        grouped.setdefault(name, []).append(value)
    return grouped


def steps_to_leave(curves, level: float, window: int = 50) -> list[int | None]:
    """For every member (a column of ``curves``, shape (step, member)), the last training step at
    which the running mean of its loss over ``window`` steps was still above ``level``: how
    long it sat on its plateau. ``None`` for a member still above ``level`` at the last step
    (it never left within the budget)."""
    curves = np.asarray(curves, dtype=float)
    if curves.ndim != 2:
        raise ValueError(f"steps_to_leave expected curves of shape (step, member), got {curves.ndim}-D")
    steps = curves.shape[0]
    ends = [plateau_end(curves[:, k], level, window) for k in range(curves.shape[1])]
    return [None if end >= steps else end for end in ends]


def mean_sd(values: Sequence[float]) -> str:
    """``mean ± sd`` (sample standard deviation) of one variant's scores, four decimals."""
    values = [float(v) for v in values]
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.4f} ± {sd:.4f}"


def median_range(steps: Sequence[int | None], budget: int) -> str:
    """Plateau lengths of one variant's seeds: ``median (min–max)``, a run that never left
    counted as the whole ``budget`` and marked ``>``; ``never`` if no run left."""
    left = [s for s in steps if s is not None]
    if not left:
        return "never"
    filled = [budget if s is None else s for s in steps]
    high = f">{budget}" if len(left) < len(steps) else f"{max(left)}"
    median = statistics.median(filled)
    shown = f">{budget}" if median >= budget else f"{median:.0f}"
    return f"{shown} ({min(left)}–{high})"
