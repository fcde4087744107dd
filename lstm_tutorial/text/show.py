"""Text coloured by a number per character: how Karpathy, Johnson & Fei-Fei (2015) show what
a unit of a character model does as it reads."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch

#: what a tab is drawn as: one cell, as the model reads it (one symbol)
TAB = "→"
#: the width and height of a character's cell, in inches, for the default font size
CELL = (0.064, 0.17)


def text_grid(text: str, values) -> tuple[list[str], np.ndarray]:
    """The lines of ``text`` and a (lines, widest line) array of the ``values`` (one per
    character) laid out as the characters are; NaN where a line has no character. A newline
    ends its line and gets no cell of its own."""
    values = torch.as_tensor(values, dtype=torch.float64).reshape(-1).numpy()
    if len(values) != len(text):
        raise ValueError(f"expected one value per character of the text ({len(text)}), got {len(values)}")
    lines = text.split("\n")
    grid = np.full((len(lines), max(1, max(len(line) for line in lines))), np.nan)
    start = 0
    for row, line in enumerate(lines):
        grid[row, : len(line)] = values[start : start + len(line)]
        start += len(line) + 1  # and the newline
    return lines, grid


def figure(text: str, panels: int = 1):
    """A figure with ``panels`` axes, one above the other, each the size ``colour_text`` needs
    to draw ``text`` without gaps between its characters: ``fig, axes = figure(text, 2)``."""
    lines = text.split("\n")
    columns = max(1, max(len(line) for line in lines))
    width, height = CELL[0] * columns + 1.3, (CELL[1] * len(lines) + 0.45) * panels
    fig, axes = plt.subplots(panels, 1, figsize=(width, height), squeeze=False)
    return fig, list(axes[:, 0])


def colour_text(text: str, values, *, ax=None, title: str | None = None, limit: float | None = None,
                cmap: str = "RdBu_r", fontsize: float = 7.5, label: str = "value"):
    """Draw ``text`` in a grid of cells, one per character, each cell coloured by its value
    on a diverging scale centred on 0 (from -``limit`` to ``limit``; by default the largest
    |value|). Returns the axes."""
    lines, grid = text_grid(text, values)
    if limit is None:
        finite = np.abs(grid[np.isfinite(grid)])
        limit = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    if not limit > 0:
        raise ValueError(f"limit must be positive, got {limit}")
    rows, columns = grid.shape
    if ax is None:
        ax = figure(text)[1][0]
    image = ax.imshow(grid, cmap=cmap, vmin=-limit, vmax=limit, aspect="auto", interpolation="nearest")
    for row, line in enumerate(lines):
        for column, character in enumerate(line):
            if not character.isspace() or character == "\t":
                ax.text(column, row, TAB if character == "\t" else character, ha="center", va="center",
                        family="monospace", fontsize=fontsize)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlim(-0.5, columns - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)
    if title:
        ax.set_title(title, fontsize=9, loc="left")
    ax.figure.colorbar(image, ax=ax, fraction=0.03, pad=0.01, label=label)
    return ax
