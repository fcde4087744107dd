"""The book's figures, drawn with matplotlib: no borrowed images.

Each function draws on ``ax`` (a new figure if none is given) and returns the axes, so a
chapter can place two drawings side by side.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.colors import to_rgba
from matplotlib.patches import Ellipse, FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path

CELL_COLOUR = "#cfe8cf"
INPUT_COLOUR = "#fde2b5"
OUTPUT_COLOUR = "#cfe0f5"
LINE_COLOUR = "#333333"
LOOP_COLOUR = "#b03030"
LAYER_COLOUR = "#fff2a8"  # a neural-network layer (weights, then a nonlinearity)
POINTWISE_COLOUR = "#f7c6d9"  # a pointwise operation (no weights)
HIGHLIGHT_COLOUR = "#d1421b"  # the path a chapter is talking about
FADED_COLOUR = "#bdbdbd"  # everything else, when something is highlighted
PEEPHOLE_COLOUR = "#2c6fbb"  # the peephole connections of the peephole LSTM (dashed)

LAYER_W, LAYER_H = 1.1, 0.72  # outside size of a layer box, outline included
OP_R, OP_TANH_W = 0.27, 1.05  # radius of a pointwise circle; width of the pointwise tanh
OP_PAIR_W = 0.8  # width of a pointwise op with a two-character label, "1−"

# What each ``highlight`` of draw_lstm_module covers, by element name (see its docstring).
_CELL_LINE = {"c_in", "forget_x", "c_mid", "add", "c_out"}
LSTM_HIGHLIGHTS = {
    "cell_state": frozenset(_CELL_LINE),
    "forget": frozenset({"layer_f", "f_t", "forget_x"}),
    "input": frozenset({"layer_i", "i_t", "layer_g", "g_t", "input_x"}),
    "update": frozenset(_CELL_LINE | {"ig"}),
    "output": frozenset({"layer_o", "o_t", "c_to_tanh", "tanh_c", "tanh_out", "output_x", "h_out", "h_up"}),
}
# What each ``highlight`` of draw_gru_module covers (see its docstring).
GRU_HIGHLIGHTS = {
    "reset": frozenset({"layer_r", "r_t", "h_to_reset", "reset_x", "reset_out"}),
    "update": frozenset(
        {"layer_z", "z_t", "keep_x", "z_to_one_minus", "one_minus", "one_minus_z", "cand_x", "cand_to_add", "add"}
    ),
}
# The same steps in the variants (see draw_lstm_module's docstring); None is the plain LSTM.
LSTM_VARIANT_HIGHLIGHTS = {
    None: LSTM_HIGHLIGHTS,
    "peephole": {
        **LSTM_HIGHLIGHTS,
        "forget": LSTM_HIGHLIGHTS["forget"] | {"peep_fi", "peep_f"},
        "input": LSTM_HIGHLIGHTS["input"] | {"peep_fi", "peep_i"},
        "output": LSTM_HIGHLIGHTS["output"] | {"peep_o"},
    },
    "coupled": {
        **LSTM_HIGHLIGHTS,
        "input": frozenset({"f_to_one_minus", "one_minus", "i_t", "layer_g", "g_t", "input_x"}),
    },
}


def _axes(ax, size):
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def _look(emphasis, linewidth=1.5):
    """Outline colour, line width and fill opacity: ``emphasis`` None is plain, True highlighted, False faded."""
    if emphasis is None:
        return LINE_COLOUR, linewidth, 1.0
    if emphasis:
        return HIGHLIGHT_COLOUR, linewidth + 1.3, 1.0
    return FADED_COLOUR, linewidth * 0.8, 0.35


def _dark_unless_faded(emphasis):
    """Text inside a shape stays dark when the shape is highlighted: its outline carries the highlight."""
    return False if emphasis is False else None


def _text(ax, x, y, label, emphasis=None, fontsize=12, **kw):
    """Centred text, in the default text colour unless ``emphasis`` (see ``_look``) says otherwise."""
    if emphasis is not None:
        kw["color"] = _look(emphasis)[0]
    return ax.text(x, y, label, fontsize=fontsize, **{"ha": "center", "va": "center", **kw})


def _box(ax, x, y, label, w=1.2, h=0.9, colour=CELL_COLOUR, *, emphasis=None, fontsize=15, rounding=0.15, gid=None):
    """A rounded box centred on (x, y); with its padding its outline spans ``w + 0.1`` by ``h + 0.1``."""
    edge, lw, alpha = _look(emphasis)
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2), w, h, boxstyle=f"round,pad=0.05,rounding_size={rounding}",
            facecolor=to_rgba(colour, alpha), edgecolor=edge, linewidth=lw, gid=gid, zorder=2,
        )
    )
    if label:
        _text(ax, x, y, label, _dark_unless_faded(emphasis), fontsize=fontsize, gid=gid)


def _node(ax, x, y, label, colour, r=0.32, *, width=None, emphasis=None, fontsize=12, gid=None):
    """A circle of radius ``r`` (an ellipse ``width`` wide, if given) with a label inside."""
    edge, lw, alpha = _look(emphasis, 1.2)
    ax.add_patch(
        Ellipse((x, y), width or 2 * r, 2 * r, facecolor=to_rgba(colour, alpha), edgecolor=edge, linewidth=lw,
                gid=gid, zorder=3)
    )
    _text(ax, x, y, label, _dark_unless_faded(emphasis), fontsize=fontsize, gid=gid)


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


# ---------------------------------------------------------------------------------------------
# Inside the cell: the repeating modules of a plain RNN and of an LSTM, in the notation of
# draw_notation (yellow boxes are layers, pink circles pointwise operations).


def _rounded(points, radius):
    """Vertices and codes of the polyline through ``points``, its interior corners rounded off."""
    verts, codes = [points[0]], [Path.MOVETO]
    for prev, corner, nxt in zip(points, points[1:], points[2:], strict=False):
        ends = []
        for other in (prev, nxt):
            dx, dy = other[0] - corner[0], other[1] - corner[1]
            length = (dx * dx + dy * dy) ** 0.5
            r = min(radius, length / 2)
            ends.append((corner[0] + dx / length * r, corner[1] + dy / length * r))
        verts += [ends[0], corner, ends[1]]
        codes += [Path.LINETO, Path.CURVE3, Path.CURVE3]
    return verts + [points[-1]], codes + [Path.LINETO]


def _line(ax, *points, arrow=True, emphasis=None, gid=None, radius=0.3, colour=None, dashed=False):
    """A line through ``points`` with rounded corners; its arrowhead's tip is the last point.

    ``colour`` replaces the plain line colour (a highlight or a fade still overrides it);
    ``dashed`` draws the line dashed, and its arrowhead solid, as a separate patch with the same ``gid``.
    """
    line_colour, lw, _ = _look(emphasis)
    if colour is not None and emphasis is None:
        line_colour = colour
    style = {"linewidth": lw, "color": line_colour, "gid": gid, "zorder": 1.5 if emphasis else 1,
             "joinstyle": "round", "capstyle": "butt", "mutation_scale": 9 + 2 * lw}
    path = Path(*_rounded(points, radius))
    if not dashed:
        ax.add_patch(FancyArrowPatch(path=path, arrowstyle="-|>" if arrow else "-", **style))
        return
    ax.add_patch(FancyArrowPatch(path=path, arrowstyle="-", linestyle=(0, (3.2, 2.2)), **style))
    if arrow:  # the head, on the last 0.2 of the line
        (x0, y0), (x1, y1) = points[-2], points[-1]
        back = min(0.2, ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5) / ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
        start = (x1 - (x1 - x0) * back, y1 - (y1 - y0) * back)
        ax.add_patch(FancyArrowPatch(path=Path([start, (x1, y1)]), arrowstyle="-|>", **style))


def _layer(ax, x, y, label=None, emphasis=None, gid=None):
    """A neural-network layer: a yellow box ``LAYER_W`` by ``LAYER_H``, outline included."""
    fontsize = 15 if label and len(label) == 1 else 11
    _box(ax, x, y, label, LAYER_W - 0.1, LAYER_H - 0.1, LAYER_COLOUR, emphasis=emphasis, fontsize=fontsize,
         rounding=0.08, gid=gid)


def _pointwise(ax, x, y, label, emphasis=None, gid=None):
    """A pointwise operation: a pink circle of radius ``OP_R`` for a symbol; for a longer label
    an ellipse, ``OP_PAIR_W`` wide for two characters ("1−") and ``OP_TANH_W`` for a word."""
    width, fontsize = {1: (None, 14), 2: (OP_PAIR_W, 12)}.get(len(label), (OP_TANH_W, 10))
    _node(ax, x, y, label, POINTWISE_COLOUR, OP_R, width=width, emphasis=emphasis, fontsize=fontsize, gid=gid)


def _module(ax, width, height):
    """The rounded rectangle standing for one time step, from (0, 0) to (width, height)."""
    ax.add_patch(
        FancyBboxPatch((0, 0), width, height, boxstyle="round,pad=0,rounding_size=0.45",
                       facecolor=CELL_COLOUR, edgecolor=LINE_COLOUR, linewidth=1.2, zorder=0, gid="module")
    )


def _inputs(ax, hy, x_at, merge_at, emphasis=None):
    """``h_{t-1}`` in from the left and ``x_t`` up from below, merging (concatenated) at ``(merge_at, hy)``."""
    _text(ax, -1.35, hy, "$h_{t-1}$", emphasis, fontsize=13, ha="right", gid="h_in")
    _line(ax, (-1.2, hy), (merge_at, hy), arrow=False, emphasis=emphasis, gid="h_in")
    _node(ax, x_at, -1.2, "$x_t$", INPUT_COLOUR, emphasis=emphasis, gid="x_in")
    _line(ax, (x_at, -0.88), (x_at, hy), (merge_at, hy), arrow=False, emphasis=emphasis, gid="x_in", radius=0.4)


def _outputs(ax, split, right_y, right_end, top, cross_y=None, emphasis=None):
    """``h_t`` copied at ``split``: one copy bends up to a node at height ``top``; the other runs on
    to the right along ``right_y`` to ``right_end`` (the caller draws that one, through ``split``).

    ``cross_y`` is the height of a line the upward branch passes under (drawn with a gap there).
    """
    x, y = split
    _text(ax, right_end + 0.15, right_y, "$h_t$", emphasis, fontsize=13, ha="left", gid="h_out")
    _node(ax, x, top, "$h_t$", OUTPUT_COLOUR, emphasis=emphasis, gid="h_up")
    bend = [(x - 0.3, y), (x, y)]  # leaves the line it splits from with a rounded corner
    if cross_y is None:
        _line(ax, *bend, (x, top - 0.32), emphasis=emphasis, gid="h_up")
        return
    _line(ax, *bend, (x, cross_y - 0.2), arrow=False, emphasis=emphasis, gid="h_up")
    _line(ax, (x, cross_y + 0.2), (x, top - 0.32), emphasis=emphasis, gid="h_up")


def _finish(ax, xlim, ylim):
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    return ax


def draw_rnn_module(ax=None):
    """The repeating module of a plain RNN: one ``tanh`` layer.

    ``h_{t-1}`` comes in from the left and ``x_t`` from below; the two are concatenated (the lines
    merge), go through the yellow ``tanh`` layer, and the result ``h_t`` is copied (the line splits):
    out to the right, to the next step, and up, as this step's output.
    """
    ax = _axes(ax, (5.6, 4.1))
    hy, layer_x, layer_y, split_y, split_x = 0.9, 3.0, 2.1, 3.25, 4.8
    _module(ax, 6.0, 4.2)
    _inputs(ax, hy, x_at=1.0, merge_at=1.5)
    _line(ax, (1.5, hy), (layer_x, hy), (layer_x, layer_y - LAYER_H / 2))
    _layer(ax, layer_x, layer_y, "tanh")
    _line(ax, (layer_x, layer_y + LAYER_H / 2), (layer_x, split_y), (split_x - 0.3, split_y), arrow=False)
    _line(ax, (split_x - 0.3, split_y), (split_x, split_y), (split_x, hy), (7.2, hy), gid="h_out")
    _outputs(ax, (split_x, split_y), hy, 7.2, top=5.5)
    return _finish(ax, (-2.3, 8.2), (-1.7, 6.0))


def _check_choice(what, value, allowed):
    """Raise a ValueError naming the ``allowed`` values (None among them) unless ``value`` is one."""
    if value is not None and (not isinstance(value, str) or value not in allowed):
        names = ", ".join(repr(k) for k in (None, *allowed))
        raise ValueError(f"{what} must be one of {names}; got {value!r}")


def _peepholes(ax, em, cy, ly, xf, xi, xo):
    """The peephole connections: ``C_{t-1}`` into the σ layers of f and i, ``C_t`` into the σ of o.

    A stem leaves the cell-state line left of the forget × (where it still carries ``C_{t-1}``)
    and splits: one branch into the f layer's left side, the other over a gap in the ``f_t``
    arrow into the top of the i layer. The o layer's peephole drops straight from the line after
    the + (``C_t``) into its top. All are dashed, in ``PEEPHOLE_COLOUR`` when nothing is highlighted.
    """
    top = ly + LAYER_H / 2
    stem_x, bus_y, into_i = 0.75, 3.55, xi - 0.3
    peep = {"colour": PEEPHOLE_COLOUR, "dashed": True, "radius": 0.25}
    _line(ax, (stem_x, cy), (stem_x, bus_y + 0.25), arrow=False, emphasis=em("peep_fi"), gid="peep_fi", **peep)
    _line(ax, (stem_x, bus_y + 0.25), (stem_x, ly), (xf - LAYER_W / 2, ly), emphasis=em("peep_f"), gid="peep_f",
          **peep)
    _line(ax, (stem_x, bus_y + 0.25), (stem_x, bus_y), (xf - 0.17, bus_y), arrow=False, emphasis=em("peep_i"),
          gid="peep_i", **peep)
    _line(ax, (xf + 0.17, bus_y), (into_i, bus_y), (into_i, top), emphasis=em("peep_i"), gid="peep_i", **peep)
    _line(ax, (xo, cy), (xo, top), emphasis=em("peep_o"), gid="peep_o", **peep)
    for x, label, name in ((stem_x, "$C_{t-1}$", "peep_fi"), (xo, "$C_t$", "peep_o")):
        colour = PEEPHOLE_COLOUR if em(name) is None else _look(em(name))[0]
        _text(ax, x + 0.1, 4.55, label, fontsize=11, ha="left", color=colour, gid=name)


def draw_lstm_module(ax=None, highlight=None, variant=None):
    """The repeating module of an LSTM, optionally with one step of it highlighted.

    Along the top runs the cell state, ``C_{t-1}`` in at the left and ``C_t`` out at the right,
    through a pointwise × (forget) and a pointwise +. Along the bottom ``h_{t-1}`` and ``x_t`` are
    concatenated and feed four yellow layers, in gate order: σ (forget gate, ``f_t``), σ (input
    gate, ``i_t``), tanh (candidate, ``C̃_t``), σ (output gate, ``o_t``). ``i_t × C̃_t`` is added
    to the cell state; ``o_t × tanh(C_t)`` (a pointwise tanh, then a pointwise ×) is ``h_t``,
    which leaves to the right and up.

    ``variant`` draws one of two variants instead (``None``, the default, is the LSTM above):

    * ``"peephole"`` (Gers & Schmidhuber 2000): the same module plus three dashed peephole lines
      (``PEEPHOLE_COLOUR``), labelled with what they read: from the cell-state line left of the
      forget × (``C_{t-1}``) into the forget gate's and the input gate's σ layers, and from the
      line right of the + (``C_t``) into the output gate's σ layer. Their gids are ``"peep_fi"``
      (the shared stem and its label), ``"peep_f"``, ``"peep_i"`` and ``"peep_o"``.
    * ``"coupled"``: forget and input gates coupled, ``i_t = 1 − f_t``. Three layers only (σ for
      ``f_t``, tanh for ``C̃_t``, σ for ``o_t``); ``f_t`` is copied into a pointwise "1−" (gid
      ``"one_minus"``), whose output, labelled ``1 − f_t``, multiplies the candidate where ``i_t``
      did.

    ``highlight`` draws one step's elements in ``HIGHLIGHT_COLOUR`` (and thicker) and fades all
    the rest; ``None`` (the default) draws everything plainly. The steps cover exactly:

    * ``"cell_state"``: the cell-state line across the top and its two pointwise ops, the
      forget × and the +.
    * ``"forget"``: the ``f_t`` layer, its arrow ``f_t`` and the forget × on the cell-state line;
      for ``"peephole"`` also the stem and the branch of the peephole into the f layer.
    * ``"input"``: the ``i_t`` and ``C̃_t`` layers, their arrows ``i_t`` and ``C̃_t``, and the ×
      that multiplies them; for ``"peephole"`` also the stem and the branch of the peephole into
      the i layer. For ``"coupled"``, which has no input layer: the copy of ``f_t`` into the
      "1−", the "1−", its arrow ``1 − f_t``, the ``C̃_t`` layer and its arrow, and the ×.
    * ``"update"``: the cell-state line with the forget × and the + (as ``"cell_state"``), plus
      the arrow carrying ``i_t × C̃_t`` into the +.
    * ``"output"``: the ``o_t`` layer and its arrow ``o_t``; the branch from the cell state into the
      pointwise tanh, that tanh and its arrow; their ×; and ``h_t`` out, to the right and up;
      for ``"peephole"`` also the peephole into the o layer.

    Each element's artists carry its name as ``gid`` (the sets are ``LSTM_HIGHLIGHTS``, and
    ``LSTM_VARIANT_HIGHLIGHTS`` per variant); the inputs ``h_{t-1}``, ``x_t`` and their
    concatenation belong to no step.
    """
    _check_choice("variant", variant, tuple(v for v in LSTM_VARIANT_HIGHLIGHTS if v is not None))
    _check_choice("highlight", highlight, tuple(LSTM_HIGHLIGHTS))
    part = LSTM_VARIANT_HIGHLIGHTS[variant].get(highlight)

    def em(name):
        return None if part is None else name in part

    ax = _axes(ax, (7.6, 4.9))
    cy, my, ly, hy = 5.5, 4.1, 2.5, 0.9  # cell line, input × and tanh, layers, hidden line
    xf, xi, xg, xo, xout, xup = 1.9, 3.4, 4.9, 6.4, 8.1, 9.4  # columns
    top, bottom = ly + LAYER_H / 2, ly - LAYER_H / 2
    coupled = variant == "coupled"
    _module(ax, 10.3, 6.4)

    # the cell state, straight across the top
    _text(ax, -1.35, cy, "$C_{t-1}$", em("c_in"), fontsize=13, ha="right", gid="c_in")
    _line(ax, (-1.2, cy), (xf - OP_R, cy), emphasis=em("c_in"), gid="c_in")
    _pointwise(ax, xf, cy, "×", em("forget_x"), "forget_x")
    _line(ax, (xf + OP_R, cy), (xg - OP_R, cy), emphasis=em("c_mid"), gid="c_mid")
    _pointwise(ax, xg, cy, "+", em("add"), "add")
    _line(ax, (xg + OP_R, cy), (11.6, cy), emphasis=em("c_out"), gid="c_out")
    _text(ax, 11.75, cy, "$C_t$", em("c_out"), fontsize=13, ha="left", gid="c_out")

    # h_{t-1} and x_t, concatenated, feed the four layers (three when coupled)
    inputs = None if part is None else False
    _inputs(ax, hy, x_at=0.4, merge_at=0.9, emphasis=inputs)
    for x in (xf, xg) if coupled else (xf, xi, xg):
        _line(ax, (x, hy), (x, bottom), emphasis=inputs, gid="concat")
    _line(ax, (0.9, hy), (xo, hy), (xo, bottom), emphasis=inputs, gid="concat")
    layers = (xf, "σ", "f"), (xi, "σ", "i"), (xg, "tanh", "g"), (xo, "σ", "o")
    for x, label, name in layers:
        if not (coupled and name == "i"):
            _layer(ax, x, ly, label, em(f"layer_{name}"), f"layer_{name}")

    # forget gate and input gate
    _line(ax, (xf, top), (xf, cy - OP_R), emphasis=em("f_t"), gid="f_t")
    if coupled:
        # f_t is copied into the "1−"; its output 1 − f_t takes the input gate's place
        _text(ax, xf - 0.12, (top + my) / 2, "$f_t$", em("f_t"), ha="right", gid="f_t")
        x1 = xi - 0.35  # the "1−", a little left of where the input layer was
        _line(ax, (xf, my - 0.3), (xf, my), (x1 - OP_PAIR_W / 2, my), emphasis=em("f_to_one_minus"),
              gid="f_to_one_minus")
        _pointwise(ax, x1, my, "1−", em("one_minus"), "one_minus")
        _line(ax, (x1 + OP_PAIR_W / 2, my), (xg - OP_R, my), emphasis=em("i_t"), gid="i_t")
        _text(ax, (x1 + OP_PAIR_W / 2 + xg - OP_R) / 2, my + 0.1, "$1-f_t$", em("i_t"), fontsize=11, va="bottom",
              gid="i_t")
    else:
        _text(ax, xf + 0.12, (top + cy) / 2, "$f_t$", em("f_t"), ha="left", gid="f_t")
        _line(ax, (xi, top), (xi, my), (xg - OP_R, my), emphasis=em("i_t"), gid="i_t")
        _text(ax, xi + 0.12, my - 0.55, "$i_t$", em("i_t"), ha="left", gid="i_t")
    _line(ax, (xg, top), (xg, my - OP_R), emphasis=em("g_t"), gid="g_t")
    _text(ax, xg + 0.12, (top + my - OP_R) / 2, r"$\tilde{C}_t$", em("g_t"), ha="left", gid="g_t")
    _pointwise(ax, xg, my, "×", em("input_x"), "input_x")
    _line(ax, (xg, my + OP_R), (xg, cy - OP_R), emphasis=em("ig"), gid="ig")

    # output gate: o_t × tanh(C_t) is h_t
    _line(ax, (xo + LAYER_W / 2, ly), (xout - OP_R, ly), emphasis=em("o_t"), gid="o_t")
    _text(ax, (xo + LAYER_W / 2 + xout - OP_R) / 2, ly + 0.15, "$o_t$", em("o_t"), va="bottom", gid="o_t")
    _line(ax, (xout, cy), (xout, my + OP_R), emphasis=em("c_to_tanh"), gid="c_to_tanh")
    _pointwise(ax, xout, my, "tanh", em("tanh_c"), "tanh_c")
    _line(ax, (xout, my - OP_R), (xout, ly + OP_R), emphasis=em("tanh_out"), gid="tanh_out")
    _pointwise(ax, xout, ly, "×", em("output_x"), "output_x")
    _line(ax, (xout, ly - OP_R), (xout, hy), (11.6, hy), emphasis=em("h_out"), gid="h_out")
    _outputs(ax, (xup, hy), hy, 11.6, top=7.6, cross_y=cy, emphasis=em("h_up"))

    if variant == "peephole":
        _peepholes(ax, em, cy, ly, xf, xi, xo)
    return _finish(ax, (-2.5, 12.7), (-1.7, 8.1))


def draw_gru_module(ax=None, highlight=None):
    """The repeating module of a GRU (Cho et al. 2014), optionally with one gate highlighted.

    Drawn in the paper's form, where the reset gate scales ``h_{t-1}`` *before* the candidate's
    weights: ``h̃_t = tanh(W [r_t ⊙ h_{t-1}, x_t] + b)``. PyTorch (like cuDNN) scales the product
    ``W_hn h_{t-1} + b_hn`` instead, which a layer box on a concatenation cannot show; the two are
    different functions, equal where ``r_t = 1`` (chapter 13 compares them). The mix is the paper's
    and PyTorch's, ``h_t = (1 − z_t) ⊙ h̃_t + z_t ⊙ h_{t-1}``: where ``z_t`` is 1 the old state is
    kept.

    There is one state, ``h``, and its line runs along the top: ``h_{t-1}`` in at the left,
    through a pointwise × (the old state weighted by ``z_t``) and a pointwise + (the weighted
    candidate added), out at the right as ``h_t`` and, copied, up. Left of the ×, a copy of
    ``h_{t-1}`` drops down; it is concatenated with ``x_t`` and feeds two σ layers, the reset gate
    ``r_t`` and the update gate ``z_t``, and on its way down a branch of it enters a pointwise ×
    with ``r_t``. That product, ``r_t ⊙ h_{t-1}``, crosses the ``z_t`` arrow (drawn with a gap) and
    is concatenated with a copy of ``x_t`` to feed the tanh layer, the candidate ``h̃_t``.
    ``z_t`` goes up to the × on the state line and is copied into a pointwise "1−", whose output
    ``1 − z_t`` multiplies the candidate before the +.

    ``highlight`` draws one gate's elements in ``HIGHLIGHT_COLOUR`` (and thicker) and fades all
    the rest; ``None`` (the default) draws everything plainly. The gates cover exactly:

    * ``"reset"``: the ``r_t`` layer and its arrow ``r_t``; the branch of ``h_{t-1}`` into the
      reset ×, that ×, and its product ``r_t ⊙ h_{t-1}`` up to where it joins ``x_t``.
    * ``"update"``: the ``z_t`` layer and its arrow ``z_t``; the × on the state line; the copy of
      ``z_t`` into the "1−", the "1−" and its arrow ``1 − z_t``; the × that weights the candidate,
      its arrow into the +, and the +. Not the state line itself, nor the candidate layer.

    Each element's artists carry its name as ``gid`` (the sets are ``GRU_HIGHLIGHTS``); the
    inputs, their concatenations, the candidate layer and its arrow ``h̃_t``, the state line and
    ``h_t`` belong to neither gate.
    """
    _check_choice("highlight", highlight, tuple(GRU_HIGHLIGHTS))
    part = GRU_HIGHLIGHTS.get(highlight)

    def em(name):
        return None if part is None else name in part

    plain = None if part is None else False  # what belongs to no gate
    ax = _axes(ax, (6.75, 5.15))
    ty, my, ry, ly, hy, xy = 6.1, 4.9, 4.0, 2.5, 0.9, 0.3  # state line, 1− row, reset row, layers, concat, x_t
    xd, xx, xr, xz, xm, xn, xup, right = 0.5, 1.0, 2.0, 3.6, 5.6, 7.0, 8.2, 10.0  # columns
    top, bottom = ly + LAYER_H / 2, ly - LAYER_H / 2
    _module(ax, 8.8, 7.0)

    # the state line: h_{t-1} × z_t, plus (1 - z_t) × h~_t, is h_t
    _text(ax, -1.35, ty, "$h_{t-1}$", plain, fontsize=13, ha="right", gid="h_in")
    _line(ax, (-1.2, ty), (xz - OP_R, ty), emphasis=plain, gid="h_in")
    _pointwise(ax, xz, ty, "×", em("keep_x"), "keep_x")
    _line(ax, (xz + OP_R, ty), (xn - OP_R, ty), emphasis=plain, gid="h_mid")
    _pointwise(ax, xn, ty, "+", em("add"), "add")
    _line(ax, (xn + OP_R, ty), (right, ty), emphasis=plain, gid="h_out")
    _text(ax, right + 0.15, ty, "$h_t$", plain, fontsize=13, ha="left", gid="h_out")
    _node(ax, xup, 8.1, "$h_t$", OUTPUT_COLOUR, emphasis=plain, gid="h_up")
    _line(ax, (xup - 0.3, ty), (xup, ty), (xup, 8.1 - 0.32), emphasis=plain, gid="h_up")

    # a copy of h_{t-1} drops down and is concatenated with x_t: the input of both gates
    _line(ax, (xd - 0.3, ty), (xd, ty), (xd, hy), (xx, hy), arrow=False, emphasis=plain, gid="h_drop")
    _node(ax, xx, -1.2, "$x_t$", INPUT_COLOUR, emphasis=plain, gid="x_in")
    _line(ax, (xx, -0.88), (xx, hy), (xx + 0.4, hy), arrow=False, emphasis=plain, gid="x_in", radius=0.4)
    _line(ax, (xx, hy), (xz, hy), (xz, bottom), emphasis=plain, gid="concat")
    _line(ax, (xr, hy), (xr, bottom), emphasis=plain, gid="concat")
    _layer(ax, xr, ly, "σ", em("layer_r"), "layer_r")
    _layer(ax, xz, ly, "σ", em("layer_z"), "layer_z")

    # reset gate: r_t × h_{t-1}, which crosses the z_t arrow on its way to the candidate
    _line(ax, (xr, top), (xr, ry - OP_R), emphasis=em("r_t"), gid="r_t")
    _text(ax, xr - 0.14, top + 0.32, "$r_t$", em("r_t"), ha="right", gid="r_t")
    _line(ax, (xd, ry + 0.3), (xd, ry), (xr - OP_R, ry), emphasis=em("h_to_reset"), gid="h_to_reset")
    _pointwise(ax, xr, ry, "×", em("reset_x"), "reset_x")
    _line(ax, (xr + OP_R, ry), (xz - 0.17, ry), arrow=False, emphasis=em("reset_out"), gid="reset_out")
    _line(ax, (xz + 0.17, ry), (xm, ry), (xm, 1.45), (xn, 1.45), (xn, 1.85), arrow=False,
          emphasis=em("reset_out"), gid="reset_out")
    _text(ax, (xz + xm) / 2 + 0.1, ry + 0.08, r"$r_t \odot h_{t-1}$", em("reset_out"), fontsize=11, va="bottom",
          gid="reset_out")

    # the candidate reads [r_t ⊙ h_{t-1}, x_t]: x_t is copied along the bottom
    _line(ax, (xx, xy - 0.3), (xx, xy), (xn, xy), (xn, bottom), emphasis=plain, gid="x_to_n")
    _layer(ax, xn, ly, "tanh", plain, "layer_n")
    _line(ax, (xn, top), (xn, my - OP_R), emphasis=plain, gid="n_t")
    _text(ax, xn + 0.12, (top + my - OP_R) / 2, r"$\tilde{h}_t$", plain, ha="left", gid="n_t")

    # update gate: z_t weighs the old state, 1 - z_t the candidate
    _line(ax, (xz, top), (xz, ty - OP_R), emphasis=em("z_t"), gid="z_t")
    _text(ax, xz + 0.12, (top + ry) / 2, "$z_t$", em("z_t"), ha="left", gid="z_t")
    x1 = 5.2
    _line(ax, (xz, my - 0.3), (xz, my), (x1 - OP_PAIR_W / 2, my), emphasis=em("z_to_one_minus"),
          gid="z_to_one_minus")
    _pointwise(ax, x1, my, "1−", em("one_minus"), "one_minus")
    _line(ax, (x1 + OP_PAIR_W / 2, my), (xn - OP_R, my), emphasis=em("one_minus_z"), gid="one_minus_z")
    _text(ax, (x1 + OP_PAIR_W / 2 + xn - OP_R) / 2, my + 0.1, "$1-z_t$", em("one_minus_z"), fontsize=11,
          va="bottom", gid="one_minus_z")
    _pointwise(ax, xn, my, "×", em("cand_x"), "cand_x")
    _line(ax, (xn, my + OP_R), (xn, ty - OP_R), emphasis=em("cand_to_add"), gid="cand_to_add")
    return _finish(ax, (-2.5, 11.0), (-1.7, 8.6))


def draw_notation(ax=None):
    """The notation of the module drawings, each element with its caption below.

    A neural network layer (yellow box), a pointwise operation (pink circle), a vector transfer
    (arrow), concatenate (two lines merging into one) and copy (one line splitting into two).
    """
    ax = _axes(ax, (8.6, 2.0))
    step = 3.0
    _layer(ax, 0, 0)
    _pointwise(ax, step, 0, "×")
    _line(ax, (2 * step - 0.7, 0), (2 * step + 0.7, 0))
    merge, split = 3 * step, 4 * step
    for side in (1, -1):
        _line(ax, (merge - 0.8, 0.4 * side), (merge - 0.3, 0.4 * side), (merge - 0.3, 0), (merge + 0.1, 0),
              arrow=False, radius=0.2)
        _line(ax, (split - 0.3, 0), (split, 0), (split, 0.4 * side), (split + 0.7, 0.4 * side), radius=0.2)
    _line(ax, (merge - 0.1, 0), (merge + 0.7, 0))
    _line(ax, (split - 0.8, 0), (split - 0.1, 0), arrow=False)
    captions = ("neural network\nlayer", "pointwise\noperation", "vector\ntransfer", "concatenate", "copy")
    for k, caption in enumerate(captions):
        _text(ax, k * step, -0.7, caption, fontsize=11, va="top", linespacing=1.1)
    return _finish(ax, (-1.4, 4 * step + 1.1), (-1.75, 0.65))


def draw_gate(ax=None):
    """A gate alone: a σ layer turns a vector into values in (0, 1), which scale another vector pointwise.

    ``[h_{t-1}, x_t]`` comes in from below into the σ layer; its output ``g`` (each entry between 0
    and 1) multiplies the vector ``v`` passing along the top: 0 blocks an entry, 1 lets it through.
    """
    ax = _axes(ax, (3.8, 2.7))
    gate_y = 1.45
    _line(ax, (-1.5, gate_y), (-OP_R, gate_y))
    _text(ax, -1.65, gate_y, "$v$", fontsize=13, ha="right")
    _pointwise(ax, 0, gate_y, "×")
    _line(ax, (OP_R, gate_y), (1.5, gate_y))
    _text(ax, 1.65, gate_y, r"$s \odot v$", fontsize=13, ha="left")
    _layer(ax, 0, 0, "σ")
    _line(ax, (0, LAYER_H / 2), (0, gate_y - OP_R))
    _text(ax, 0.14, (LAYER_H / 2 + gate_y - OP_R) / 2, r"$s \in (0, 1)$", fontsize=11, ha="left")
    _line(ax, (0, -1.1), (0, -LAYER_H / 2))
    _text(ax, 0, -1.2, "$[h_{t-1}, x_t]$", fontsize=12, va="top")
    return _finish(ax, (-2.3, 2.8), (-1.75, 1.85))


def draw_dependency(words, source: int, target: int, ax=None, gap_label: str | None = None):
    """A sentence as a row of words, with an arc from the word that decides (``source``)
    to the word that must be predicted (``target``, drawn as a blank to fill). The arc is
    labelled with the gap in words, or with ``gap_label``."""
    n = len(words)
    if not (0 <= source < target < n):
        raise ValueError(
            f"expected 0 <= source < target < {n} (the number of words), got source={source}, target={target}"
        )
    widths = [0.3 + 0.16 * len(w) for w in words]
    xs, x = [], 0.0
    for w in widths:
        xs.append(x + w / 2)
        x += w + 0.15
    gap = target - source
    height = 0.5 + 0.1 * min(gap, 8)
    top = 0.9 + height
    inches_per_unit = 0.55
    ax = _axes(ax, (inches_per_unit * (x + 0.2), inches_per_unit * (top + 0.9)))
    for k, (word, cx, w) in enumerate(zip(words, xs, widths, strict=True)):
        if k == target:
            _box(ax, cx, 0, "?", w=w, h=0.55, colour=OUTPUT_COLOUR, fontsize=12, rounding=0.08)
            ax.text(cx, -0.55, word, ha="center", va="center", fontsize=10, color=LOOP_COLOUR, style="italic")
        else:
            colour = INPUT_COLOUR if k == source else "white"
            _box(ax, cx, 0, word, w=w, h=0.55, colour=colour, fontsize=11, rounding=0.08)
    arc = Path(
        [(xs[source], 0.33), (xs[source], 0.33 + height), (xs[target], 0.33 + height), (xs[target], 0.36)],
        [Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO],
    )
    ax.add_patch(FancyArrowPatch(path=arc, arrowstyle="-|>", mutation_scale=14, linewidth=1.6, color=LOOP_COLOUR))
    ax.text((xs[source] + xs[target]) / 2, 0.4 + height, gap_label or f"gap: {gap} words", ha="center", va="bottom",
            fontsize=9, color=LOOP_COLOUR)
    ax.set_xlim(-0.1, x + 0.1)
    ax.set_ylim(-0.85, top)
    return ax
