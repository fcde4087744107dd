"""Synthetic tasks with a dependency whose length we choose.

Each function draws a batch from a ``torch.Generator`` so that the data of a run is fixed by
its seed, and checks its arguments.
"""

from __future__ import annotations

import torch


def _check_count(value, what: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{what} must be an int >= {minimum}, got {value!r}")
    return value


def adding_problem(batch: int, steps: int, generator: torch.Generator | None = None):
    """The adding problem (Hochreiter & Schmidhuber 1997, in the form of Le et al. 2015).

    Each of the ``steps`` time steps carries two features: a value drawn from U[0, 1] and a
    marker. Exactly two markers are 1, one in each half of the sequence; the target is the
    sum of the two marked values. Returns ``x`` (batch, steps, 2) and ``y`` (batch, 1).

    Always answering 1 (the mean of the target) scores a mean squared error of 1/6: the
    baseline a model has to beat to show it found the marked values.
    """
    _check_count(batch, "batch")
    _check_count(steps, "steps", minimum=2)
    values = torch.rand(batch, steps, generator=generator)
    half = steps // 2
    first = torch.randint(0, half, (batch,), generator=generator)
    second = torch.randint(half, steps, (batch,), generator=generator)
    markers = torch.zeros(batch, steps)
    rows = torch.arange(batch)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = torch.stack([values, markers], dim=2)
    y = (values * markers).sum(dim=1, keepdim=True)
    return x, y


ADDING_BASELINE_MSE = 1.0 / 6.0


def remember_bit(batch: int, gap: int, noise: float = 1.0, generator: torch.Generator | None = None):
    """The dial-a-gap task: remember a bit through ``gap`` steps of noise.

    Step 0 carries the bit as +1 or -1; the next ``gap`` steps carry Gaussian noise with
    standard deviation ``noise``. After the last step the model must say which bit it saw.
    Returns ``x`` (batch, gap + 1, 1) and the bit ``y`` (batch,) as 0. or 1.
    Guessing scores 50%: the longer the gap, the longer the model must hold the bit while
    ignoring what comes in.
    """
    _check_count(batch, "batch")
    _check_count(gap, "gap", minimum=0)
    if not noise >= 0:
        raise ValueError(f"noise must be a standard deviation >= 0, got {noise!r}")
    y = torch.randint(0, 2, (batch,), generator=generator).float()
    x = noise * torch.randn(batch, gap + 1, 1, generator=generator)
    x[:, 0, 0] = 2.0 * y - 1.0
    return x, y
