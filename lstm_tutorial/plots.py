"""Plots the chapters share."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


def smooth(values, window: int) -> np.ndarray:
    """Running mean over ``window`` steps (shorter at the start), to see a noisy curve's trend."""
    values = np.asarray(values, dtype=float)
    if window <= 1:
        return values
    cumsum = np.cumsum(np.insert(values, 0, 0.0))
    out = np.empty_like(values)
    for k in range(len(values)):
        lo = max(0, k + 1 - window)
        out[k] = (cumsum[k + 1] - cumsum[lo]) / (k + 1 - lo)
    return out


def plot_losses(curves: dict, ax=None, window: int = 20, ylabel: str = "loss", logy: bool = False, baseline=None):
    """Training curves, one line per named run, smoothed over ``window`` steps.

    ``baseline`` (a number, or a ``(value, label)`` pair) draws a dashed reference line, e.g. the
    loss of always guessing.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.2))
    for name, values in curves.items():
        ax.plot(np.arange(1, len(values) + 1), smooth(values, window), label=name)
    if baseline is not None:
        value, label = baseline if isinstance(baseline, tuple) else (baseline, "baseline")
        ax.axhline(value, color="grey", linestyle="--", linewidth=1, label=label)
    ax.set_xlabel("training step")
    ax.set_ylabel(ylabel + (f"\n(running mean over {window} training steps)" if window > 1 else ""))
    if logy:
        ax.set_yscale("log")
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return ax
