"""Cutting a series into training windows: ``time_step`` values in, the next value out."""

from __future__ import annotations

import torch


def sliding_windows(series, time_step: int):
    """Every window of ``time_step`` consecutive values, and the value that follows it.

    A 1-D series of length N gives ``X`` of shape (N - time_step, time_step) and ``y`` of shape
    (N - time_step,); a 2-D series (N, features) keeps its feature axis: ``X`` is
    (N - time_step, time_step, features) and ``y`` is (N - time_step, features).
    Row k is ``X[k] = series[k : k + time_step]`` and ``y[k] = series[k + time_step]``.
    """
    s = torch.as_tensor(series)
    if isinstance(time_step, bool) or not isinstance(time_step, int) or time_step < 1:
        raise ValueError(f"time_step must be a positive int, got {time_step!r}")
    if s.dim() not in (1, 2):
        raise ValueError(
            f"sliding_windows expected a 1-D series (N,) or a 2-D series (N, features), got shape {tuple(s.shape)}"
        )
    n = s.shape[0]
    if n <= time_step:
        raise ValueError(
            f"sliding_windows needs a series longer than time_step={time_step} "
            f"(a window plus the value to predict), got a series of length {n}"
        )
    if s.is_floating_point() and torch.isnan(s).any():
        where = torch.isnan(s).reshape(n, -1).any(dim=1).nonzero().flatten()
        raise ValueError(
            f"sliding_windows expected a series without NaN, got {len(where)} row(s) with NaN "
            f"(first at index {int(where[0])}); fill or drop the gaps first"
        )
    # unfold gives (N - time_step + 1, [features,] time_step); the last window has no target.
    X = s.unfold(0, time_step, 1)[: n - time_step]
    if s.dim() == 2:
        X = X.transpose(1, 2)
    return X.clone(), s[time_step:].clone()
