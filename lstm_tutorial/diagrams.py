"""The book's figures, drawn with matplotlib: no borrowed images.

Each function draws on ``ax`` (a new figure if none is given) and returns the axes, so a
chapter can place two drawings side by side.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path

CELL_COLOUR = "#cfe8cf"
INPUT_COLOUR = "#fde2b5"
OUTPUT_COLOUR = "#cfe0f5"
LINE_COLOUR = "#333333"
LOOP_COLOUR = "#b03030"


def _axes(ax, size):
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def _box(ax, x, y, label, w=1.2, h=0.9, colour=CELL_COLOUR):
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.05,rounding_size=0.15",
            facecolor=colour, edgecolor=LINE_COLOUR, linewidth=1.5,
        )
    )
    ax.text(x, y, label, ha="center", va="center", fontsize=15)


def _node(ax, x, y, label, colour, r=0.32):
    ax.add_patch(plt.Circle((x, y), r, facecolor=colour, edgecolor=LINE_COLOUR, linewidth=1.2))
    ax.text(x, y, label, ha="center", va="center", fontsize=12)


def _arrow(ax, start, end, rad=0.0, label=None, label_at=None):
    ax.add_patch(
        FancyArrowPatch(
            start, end, arrowstyle="-|>", mutation_scale=14, linewidth=1.5,
            color=LINE_COLOUR, connectionstyle=f"arc3,rad={rad}",
        )
    )
    if label:
        ax.text(*label_at, label, ha="center", va="center", fontsize=11)


def draw_rnn_loop(ax=None, cell_label="$A$"):
    """A recurrent cell with its loop: ``x_t`` in, ``h_t`` out, and ``h_t`` fed back in."""
    ax = _axes(ax, (3.8, 3.6))
    _box(ax, 0, 0, cell_label)
    _node(ax, 0, -1.6, "$x_t$", INPUT_COLOUR)
    _node(ax, 0, 1.6, "$h_t$", OUTPUT_COLOUR)
    _arrow(ax, (0, -1.28), (0, -0.5))
    _arrow(ax, (0, 0.5), (0, 1.28))
    # the loop: out of the box's right side and back into it, bulging to the right
    loop = Path(
        [(0.65, 0.22), (1.75, 1.0), (1.75, -1.0), (0.65, -0.22)],
        [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4],
    )
    ax.add_patch(FancyArrowPatch(path=loop, arrowstyle="-|>", mutation_scale=14, linewidth=1.8, color=LOOP_COLOUR))
    ax.text(1.55, 0.0, "$h_{t-1}$", ha="left", va="center", fontsize=12, color=LOOP_COLOUR)
    ax.text(1.3, -0.8, "the state, kept\nfor the next step", ha="left", va="center", fontsize=9, color=LOOP_COLOUR)
    ax.set_xlim(-1.2, 2.9)
    ax.set_ylim(-2.1, 2.1)
    return ax


def draw_unrolled(steps: int = 4, ax=None, cell_label="$A$", show_ellipsis: bool = True):
    """The same cell copied along time: ``x_0 … x_t`` in, ``h_0 … h_t`` out, state passed right."""
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    ax = _axes(ax, (1.9 * steps + 1.0, 3.6))
    spacing = 2.0
    labels = [str(k) for k in range(steps)]
    if show_ellipsis and steps >= 4:
        labels[-1] = "t"
    for k, lab in enumerate(labels):
        x = k * spacing
        if show_ellipsis and steps >= 4 and k == steps - 2:
            ax.text(x, 0, "$\\cdots$", ha="center", va="center", fontsize=20)
            _arrow(ax, (x - spacing + 0.65, 0), (x - 0.4, 0))
            continue
        _box(ax, x, 0, cell_label)
        _node(ax, x, -1.6, f"$x_{{{lab}}}$", INPUT_COLOUR)
        _node(ax, x, 1.6, f"$h_{{{lab}}}$", OUTPUT_COLOUR)
        _arrow(ax, (x, -1.28), (x, -0.5))
        _arrow(ax, (x, 0.5), (x, 1.28))
        if k > 0:
            start = x - spacing + (0.4 if show_ellipsis and steps >= 4 and k == steps - 1 else 0.65)
            _arrow(ax, (start, 0), (x - 0.65, 0))
    ax.set_xlim(-1.0, (steps - 1) * spacing + 1.0)
    ax.set_ylim(-2.1, 2.1)
    return ax
