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


# gates live in (0, 1); the candidate, the cell state and h are signed
_SIGNED = {"g", "c", "h", "n"}
GATE_TITLES = {
    "f": "forget gate $f_t$",
    "i": "input gate $i_t$",
    "g": "candidate $\\tilde{C}_t$",
    "o": "output gate $o_t$",
    "c": "cell state $C_t$",
    "h": "hidden state $h_t$",
    "r": "reset gate $r_t$",
    "z": "update gate $z_t$",
    "n": "candidate $n_t$",
}


def plot_gates(trace: dict, names=("f", "i", "o", "c"), sample: int = 0, labels=None, units=None, cell_width=0.32):
    """Heatmaps of recorded gate activations (from ``record_gates``) for one sequence.

    One panel per name, units down, time across. Gates use a fixed 0–1 colour scale; signed
    quantities (candidate, cell state, hidden state) a diverging scale centred on 0, so
    panels compare across runs. ``labels`` names the time steps (e.g. the tokens); ``units``
    selects hidden units. Returns the figure.
    """
    missing = [n for n in names if n not in trace]
    if missing:
        raise ValueError(f"plot_gates: expected names among {sorted(trace)}, got {missing}")
    steps = trace[names[0]].shape[1]
    n_units = trace[names[0]].shape[2] if units is None else len(units)
    width = max(4.0, cell_width * steps + 2.0)
    fig, axes = plt.subplots(
        len(names), 1, figsize=(width, 0.45 + len(names) * (0.55 + 0.22 * n_units)), sharex=True, squeeze=False
    )
    for ax, name in zip(axes[:, 0], names, strict=True):
        values = trace[name][sample].T.numpy()  # (units, time)
        if units is not None:
            values = values[list(units)]
        if name in _SIGNED:
            limit = max(1.0, float(np.abs(values).max()))
            image = ax.imshow(values, aspect="auto", cmap="RdBu_r", vmin=-limit, vmax=limit, interpolation="nearest")
        else:
            image = ax.imshow(values, aspect="auto", cmap="viridis", vmin=0, vmax=1, interpolation="nearest")
        ax.set_yticks(range(values.shape[0]))
        ax.set_yticklabels([str(u) for u in (units if units is not None else range(values.shape[0]))], fontsize=7)
        ax.set_title(GATE_TITLES.get(name, name), fontsize=10, loc="left")
        ax.set_ylabel("unit", fontsize=7)
        bar = fig.colorbar(image, ax=ax, fraction=0.025, pad=0.01)
        low, high = image.get_clim()
        bar.set_ticks([low, high] if low == 0 else [low, 0, high])
        bar.ax.tick_params(labelsize=7)
        bar.ax.yaxis.set_major_formatter("{x:.3g}")
    bottom = axes[-1, 0]
    bottom.set_xticks(range(steps))
    if labels is not None:
        bottom.set_xticklabels(labels, rotation=90, fontsize=8)
    else:
        bottom.set_xlabel("time step")
    fig.tight_layout()
    return fig


def plot_gradient_norms(curves: dict, ax=None, ylabel="gradient norm"):
    """Gradient norm against distance from the loss, one line per named run, log scale."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.4))
    for name, norms in curves.items():
        norms = np.asarray(norms, dtype=float)
        ax.plot(np.arange(len(norms)), norms, label=name)
    ax.set_yscale("log")
    ax.set_xlabel("distance from the loss (steps back)")
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False, fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_successes(curves: dict, seeds: int, ax=None, xlabel="gap (steps between the bit and the answer)"):
    """Seeds that solved a task against its difficulty, one line per named model.

    ``curves`` maps a name to ``{setting: number of seeds solved}``.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.2))
    for name, solved in curves.items():
        settings = list(solved)
        ax.plot(settings, [solved[s] for s in settings], marker="o", label=name)
    ax.set_xscale("log")
    all_settings = sorted({s for solved in curves.values() for s in solved})
    ax.set_xticks(all_settings)
    ax.set_xticklabels([str(s) for s in all_settings])
    ax.minorticks_off()
    ax.set_ylim(-0.3, seeds + 0.3)
    ax.set_yticks(range(seeds + 1))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(f"seeds solved (of {seeds})")
    ax.legend(frameon=False, fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_variant_results(results: dict, ax=None, baseline=None, threshold=None, ylabel="test MSE"):
    """One row per variant, one dot per seed, on a log scale: a comparison whose spread shows.

    ``results`` maps a variant's name to its per-seed scores; ``baseline`` and ``threshold``
    draw dashed reference lines (e.g. the score of guessing, and what counts as solved).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 0.45 * len(results) + 1.0))
    names = list(results)
    for row, name in enumerate(names):
        scores = np.asarray(results[name], dtype=float)
        ax.scatter(scores, np.full(len(scores), row), s=28, zorder=3)
        ax.plot([np.median(scores)] * 2, [row - 0.3, row + 0.3], color="black", linewidth=1.5, zorder=2)
    if baseline is not None:
        value, label = baseline if isinstance(baseline, tuple) else (baseline, "baseline")
        ax.axvline(value, color="grey", linestyle="--", linewidth=1, label=label)
    if threshold is not None:
        value, label = threshold if isinstance(threshold, tuple) else (threshold, "threshold")
        ax.axvline(value, color="tab:green", linestyle=":", linewidth=1, label=label)
    ax.set_xscale("log")
    ax.set_yticks(range(len(names)))
    ax.set_yticklabels(names)
    ax.invert_yaxis()
    ax.set_xlabel(ylabel + " (one dot per seed, bar: median)")
    if baseline is not None or threshold is not None:
        ax.legend(frameon=False, fontsize=8, loc="lower right")
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plateau_end(losses, level: float, window: int = 50) -> int:
    """The last training step at which the running mean of the loss (over ``window`` steps) was
    still above ``level``: how long a run sat on its plateau before it left for good. A run
    that never went above ``level`` gives 0."""
    above = np.nonzero(smooth(losses, window) > level)[0]
    return int(above[-1]) + 1 if len(above) else 0
