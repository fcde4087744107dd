"""Text coloured by a number per character: how Karpathy, Johnson & Fei-Fei (2015) show what
a unit of a character model does as it reads."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import torch

#: what a tab is drawn as: one cell, as the model reads it (one symbol)
TAB = "→"
#: the width and height of a character's cell, in inches
CELL = (0.064, 0.17)
#: the monospaced font the text is drawn in (it comes with matplotlib), and the width of each
#: of its characters as a fraction of the font size
FONT, ADVANCE = "DejaVu Sans Mono", 1233 / 2048


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
    to draw ``text`` one cell per character: ``fig, axes = figure(text, 2)``. The layout is
    fixed here; changing it afterwards (``tight_layout``) would move the cells under the
    characters."""
    lines = text.split("\n")
    columns = max(1, max(len(line) for line in lines))
    # room for the cells, and for the colour bar with its ticks and label at the right
    width, height = CELL[0] * columns + 1.4, (CELL[1] * len(lines) + 0.45) * panels
    fig, axes = plt.subplots(panels, 1, figsize=(width, height), squeeze=False)
    fig.subplots_adjust(left=0.1 / width, right=1 - 0.75 / width, top=1 - 0.3 / height, bottom=0.1 / height,
                        hspace=0.35 * panels / height)
    return fig, list(axes[:, 0])


def colour_text(text: str, values, *, ax=None, title: str | None = None, limit: float | None = None,
                cmap: str = "RdBu_r", label: str = "value"):
    """Draw ``text`` in a grid of cells, one per character, each cell coloured by its value
    on a diverging scale centred on 0 (from -``limit`` to ``limit``; by default the largest
    |value|). The text is monospaced, its size chosen so that every character sits in its
    cell. Returns the axes."""
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
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlim(-0.5, columns - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)
    if title:
        ax.set_title(title, fontsize=9, loc="left")
    ax.figure.colorbar(image, ax=ax, fraction=0.03, pad=0.01, label=label)
    # the cells' width, now that the colour bar has taken its share: one character each
    cell_points = ax.get_position().width * ax.figure.get_figwidth() * 72 / columns
    for row, line in enumerate(lines):
        # one run of text per word, placed at its first cell: rounding in the drawn glyphs'
        # widths cannot add up along a whole line
        for word in re.finditer(r"\S+", line.replace("\t", TAB)):
            ax.text(word.start() - 0.5, row, word.group(), ha="left", va="center", family=FONT,
                    fontsize=cell_points / ADVANCE)
    return ax
