import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import same_color  # noqa: E402
from matplotlib.patches import Ellipse, FancyArrowPatch, FancyBboxPatch  # noqa: E402

from lstm_tutorial import diagrams  # noqa: E402

# What each highlight must cover, written out from draw_lstm_module's docstring (element names are gids).
CELL_LINE = {"c_in", "forget_x", "c_mid", "add", "c_out"}
EXPECTED = {
    "cell_state": CELL_LINE,
    "forget": {"layer_f", "f_t", "forget_x"},
    "input": {"layer_i", "i_t", "layer_g", "g_t", "input_x"},
    "update": CELL_LINE | {"ig"},
    "output": {"layer_o", "o_t", "c_to_tanh", "tanh_c", "tanh_out", "output_x", "h_out", "h_up"},
}
LABELLED_LINES = {"c_in", "c_out", "f_t", "i_t", "g_t", "o_t", "h_in", "h_out"}
# which of the four layers (in gate order f, i, C~, o) and how many pointwise ops each highlight lights up
EXPECTED_LAYERS = {"cell_state": [], "forget": [0], "input": [1, 2], "update": [], "output": [3]}
EXPECTED_OPS = {
    "cell_state": ["×", "+"], "forget": ["×"], "input": ["×"], "update": ["×", "+"], "output": ["tanh", "×"],
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def filled(ax, kind, colour):
    """Patches of type ``kind`` filled with ``colour`` (whatever their opacity)."""
    return [p for p in ax.patches if isinstance(p, kind) and same_color(p.get_facecolor()[:3], colour)]


def layer_boxes(ax):
    """The yellow layer boxes, left to right."""
    return sorted(filled(ax, FancyBboxPatch, diagrams.LAYER_COLOUR), key=lambda b: b.get_x())


def pointwise_ops(ax):
    """The pink pointwise-operation shapes, left to right."""
    return sorted(filled(ax, Ellipse, diagrams.POINTWISE_COLOUR), key=lambda e: e.center[0])


def box_centre(box):
    return box.get_x() + box.get_width() / 2, box.get_y() + box.get_height() / 2


def label_at(ax, xy):
    """The text drawn at ``xy`` (the label inside a shape)."""
    found = [t.get_text() for t in ax.texts if t.get_position() == pytest.approx(xy)]
    assert len(found) == 1, found
    return found[0]


def texts(ax):
    return [t.get_text() for t in ax.texts]


def in_colour(artists, colour):
    return [a for a in artists if same_color(a.get_edgecolor(), colour)]


def test_lstm_module_has_four_layers_in_gate_order():
    ax = diagrams.draw_lstm_module()
    boxes = layer_boxes(ax)
    assert [label_at(ax, box_centre(b)) for b in boxes] == ["σ", "σ", "tanh", "σ"]
    # each layer's output label sits just right of its own layer: f, i, C~, o in that order
    centres = [box_centre(b)[0] for b in boxes] + [float("inf")]
    for k, name in enumerate(["$f_t$", "$i_t$", r"$\tilde{C}_t$", "$o_t$"]):
        (x, _), = [t.get_position() for t in ax.texts if t.get_text() == name]
        assert centres[k] < x < centres[k + 1], name


def test_lstm_module_pointwise_ops_and_cell_state_line():
    ax = diagrams.draw_lstm_module()
    ops = pointwise_ops(ax)
    labels = [label_at(ax, e.center) for e in ops]
    assert sorted(labels) == sorted(["×", "+", "×", "tanh", "×"])
    # the forget × and the + sit on the cell-state line: the highest ops, level, × first
    top = max(e.center[1] for e in ops)
    on_line = [label_at(ax, e.center) for e in ops if e.center[1] == pytest.approx(top)]
    assert on_line == ["×", "+"]
    # the pointwise tanh feeds the output ×, straight below it
    (tanh,) = [e for e in ops if label_at(ax, e.center) == "tanh"]
    below = [e for e in ops if e.center[0] == pytest.approx(tanh.center[0]) and e.center[1] < tanh.center[1]]
    assert [label_at(ax, e.center) for e in below] == ["×"]


def test_lstm_module_math_labels():
    labels = texts(diagrams.draw_lstm_module())
    for name in ["$C_{t-1}$", "$C_t$", "$h_{t-1}$", "$x_t$", "$f_t$", "$i_t$", r"$\tilde{C}_t$", "$o_t$"]:
        assert labels.count(name) == 1, name
    assert labels.count("$h_t$") == 2  # h_t leaves to the right and up


def test_lstm_module_plain_has_nothing_highlighted_or_faded():
    ax = diagrams.draw_lstm_module()
    assert_nothing_highlighted_or_faded(ax)


@pytest.mark.parametrize("highlight", sorted(EXPECTED))
def test_highlight_covers_exactly_its_step(highlight):
    ax = diagrams.draw_lstm_module(highlight=highlight)
    strong = in_colour(ax.patches, diagrams.HIGHLIGHT_COLOUR)
    assert {p.get_gid() for p in strong} == EXPECTED[highlight]
    assert diagrams.LSTM_HIGHLIGHTS[highlight] == EXPECTED[highlight]
    boxes = layer_boxes(ax)
    assert [k for k, b in enumerate(boxes) if b in strong] == EXPECTED_LAYERS[highlight]
    assert [label_at(ax, e.center) for e in pointwise_ops(ax) if e in strong] == EXPECTED_OPS[highlight]
    # everything else is faded (the module's own rectangle is the background, not a step), and thinner
    rest = [p for p in ax.patches if p not in strong and p.get_gid() != "module"]
    assert rest and rest == in_colour(rest, diagrams.FADED_COLOUR)
    assert min(p.get_linewidth() for p in strong) > max(p.get_linewidth() for p in rest)
    # a line's label follows its line: in the highlight colour exactly when the line is highlighted
    strong_text = {t.get_gid() for t in ax.texts if same_color(t.get_color(), diagrams.HIGHLIGHT_COLOUR)}
    assert strong_text == EXPECTED[highlight] & LABELLED_LINES


def test_forget_highlight_is_one_layer_and_one_multiply():
    ax = diagrams.draw_lstm_module(highlight="forget")
    strong = in_colour(ax.patches, diagrams.HIGHLIGHT_COLOUR)
    assert len([p for p in strong if p in layer_boxes(ax)]) == 1
    assert len([p for p in strong if p in pointwise_ops(ax)]) == 1
    assert len([p for p in strong if isinstance(p, FancyArrowPatch)]) == 1  # the f_t arrow
    assert [t.get_text() for t in ax.texts if same_color(t.get_color(), diagrams.HIGHLIGHT_COLOUR)] == ["$f_t$"]


@pytest.mark.parametrize("bad", ["forgett", "Forget", "", 3])
def test_bad_highlight_names_the_allowed_values(bad):
    with pytest.raises(ValueError) as err:
        diagrams.draw_lstm_module(highlight=bad)
    message = str(err.value)
    for allowed in ["None", "'cell_state'", "'forget'", "'input'", "'update'", "'output'"]:
        assert allowed in message
    assert f"got {bad!r}" in message


def test_arrows_end_on_shape_edges_not_inside():
    """Every arrowhead's tip lies outside all shapes or on an outline; each layer is fed from below."""
    ax = diagrams.draw_lstm_module()
    tips = [p._path_original.vertices[-1] for p in ax.patches
            if isinstance(p, FancyArrowPatch) and type(p.get_arrowstyle()).__name__ != "Curve"]
    assert_tips_on_edges(ax, tips)


def test_rnn_module_has_one_tanh_layer():
    ax = diagrams.draw_rnn_module()
    (box,) = layer_boxes(ax)
    assert label_at(ax, box_centre(box)) == "tanh"
    assert not pointwise_ops(ax)
    labels = texts(ax)
    assert {"$h_{t-1}$", "$x_t$"} <= set(labels)
    assert labels.count("$h_t$") == 2  # copied: out to the right and up


def test_notation_has_the_five_captions():
    ax = diagrams.draw_notation()
    captions = [" ".join(t.split()) for t in texts(ax)]
    for caption in ["neural network layer", "pointwise operation", "vector transfer", "concatenate", "copy"]:
        assert caption in captions
    assert len(layer_boxes(ax)) == 1 and len(pointwise_ops(ax)) == 1


def test_gate_is_a_sigma_layer_and_a_multiply():
    ax = diagrams.draw_gate()
    (box,) = layer_boxes(ax)
    assert label_at(ax, box_centre(box)) == "σ"
    (op,) = pointwise_ops(ax)
    assert label_at(ax, op.center) == "×"
    assert op.center[1] > box_centre(box)[1]  # the σ's output goes up into the ×
    assert any("(0, 1)" in t for t in texts(ax))


@pytest.mark.parametrize(
    "draw", [diagrams.draw_rnn_module, diagrams.draw_lstm_module, diagrams.draw_notation, diagrams.draw_gate]
)
def test_drawings_use_the_given_axes(draw):
    _, ax = plt.subplots()
    assert draw(ax=ax) is ax
    assert not ax.axison
    assert ax.get_aspect() == 1.0
    assert draw().figure is not ax.figure  # without ax, a new figure


# -- the LSTM variants and the GRU ------------------------------------------------------------

PEEPHOLES = {"peep_fi", "peep_f", "peep_i", "peep_o"}
# What each highlight must cover in the variants, written out from draw_lstm_module's docstring.
EXPECTED_VARIANT = {
    "peephole": {
        **EXPECTED,
        "forget": EXPECTED["forget"] | {"peep_fi", "peep_f"},
        "input": EXPECTED["input"] | {"peep_fi", "peep_i"},
        "output": EXPECTED["output"] | {"peep_o"},
    },
    "coupled": {
        **EXPECTED,
        "input": {"f_to_one_minus", "one_minus", "i_t", "layer_g", "g_t", "input_x"},
    },
}
# ... and of draw_gru_module's
EXPECTED_GRU = {
    "reset": {"layer_r", "r_t", "h_to_reset", "reset_x", "reset_out"},
    "update": {
        "layer_z", "z_t", "keep_x", "z_to_one_minus", "one_minus", "one_minus_z", "cand_x", "cand_to_add", "add",
    },
}
EXPECTED_GRU_LAYERS = {"reset": [0], "update": [1]}  # of the layers r, z, candidate, left to right
EXPECTED_GRU_OPS = {"reset": ["×"], "update": ["+", "1−", "×", "×"]}  # sorted
EXPECTED_GRU_TEXT = {"reset": {"$r_t$", r"$r_t \odot h_{t-1}$"}, "update": {"$z_t$", "$1-z_t$"}}

DRAWINGS = {
    "lstm": lambda **kw: diagrams.draw_lstm_module(**kw),
    "peephole": lambda **kw: diagrams.draw_lstm_module(variant="peephole", **kw),
    "coupled": lambda **kw: diagrams.draw_lstm_module(variant="coupled", **kw),
    "gru": lambda **kw: diagrams.draw_gru_module(**kw),
}


def lines(ax, gid=None):
    """The line patches (each a FancyArrowPatch built from a path), optionally only those named ``gid``."""
    return [p for p in ax.patches if isinstance(p, FancyArrowPatch) and gid in (None, p.get_gid())]


def has_head(p):
    return type(p.get_arrowstyle()).__name__ != "Curve"


def ends(p):
    vertices = p._path_original.vertices
    return tuple(vertices[0]), tuple(vertices[-1])


def op_named(ax, label):
    found = [e for e in pointwise_ops(ax) if label_at(ax, e.center) == label]
    assert len(found) == 1, (label, len(found))
    return found[0]


def on_outline(e, xy, tol=0.03):
    x, y = xy
    r = ((x - e.center[0]) / (e.width / 2)) ** 2 + ((y - e.center[1]) / (e.height / 2)) ** 2
    return abs(r - 1) < tol * 4


def text_named(ax, label):
    (t,) = [t for t in ax.texts if t.get_text() == label]
    return t


def test_peephole_variant_adds_three_dashed_peepholes_into_the_gates():
    ax = diagrams.draw_lstm_module(variant="peephole")
    boxes = layer_boxes(ax)
    assert [label_at(ax, box_centre(b)) for b in boxes] == ["σ", "σ", "tanh", "σ"]
    peeps = [p for p in lines(ax) if (p.get_gid() or "").startswith("peep")]
    assert {p.get_gid() for p in peeps} == PEEPHOLES
    assert all(same_color(p.get_edgecolor(), diagrams.PEEPHOLE_COLOUR) for p in peeps)
    assert all(p.get_linestyle() != "solid" for p in peeps if not has_head(p))  # dashed; heads solid
    # they read the cell state: f and i left of the forget × (C_{t-1}), o right of the + (C_t)
    add = op_named(ax, "+")
    forget_x = min((e for e in pointwise_ops(ax) if e.center[1] == pytest.approx(add.center[1])),
                   key=lambda e: e.center[0])
    (stem,) = lines(ax, "peep_fi")
    (start, _), cy = ends(stem), add.center[1]
    assert start[1] == pytest.approx(cy) and start[0] < forget_x.center[0] - forget_x.width / 2
    (o_line,) = [p for p in lines(ax, "peep_o") if not has_head(p)]
    start, _ = ends(o_line)
    assert start[1] == pytest.approx(cy) and start[0] > add.center[0] + add.width / 2
    # each ends in an arrowhead on the outline of its own layer: f (left side), i and o (top)
    pad = 0.05
    tips = {p.get_gid(): ends(p)[1] for p in lines(ax) if has_head(p) and p.get_gid() in PEEPHOLES}
    for gid, box in (("peep_f", boxes[0]), ("peep_i", boxes[1]), ("peep_o", boxes[3])):
        x, y = tips[gid]
        assert box.get_x() - pad - 0.01 <= x <= box.get_x() + box.get_width() + pad + 0.01, gid
        assert box.get_y() - pad - 0.01 <= y <= box.get_y() + box.get_height() + pad + 0.01, gid
    assert set(tips) == {"peep_f", "peep_i", "peep_o"}
    # and they are labelled with what they read, in their colour
    for label, gid in (("$C_{t-1}$", "peep_fi"), ("$C_t$", "peep_o")):
        (t,) = [t for t in ax.texts if t.get_gid() == gid]
        assert t.get_text() == label and same_color(t.get_color(), diagrams.PEEPHOLE_COLOUR)


@pytest.mark.parametrize("variant", [None, "coupled"])
def test_no_peepholes_outside_the_peephole_variant(variant):
    ax = diagrams.draw_lstm_module(variant=variant)
    assert not [p for p in ax.patches if (p.get_gid() or "").startswith("peep")]
    assert not [p for p in ax.patches if same_color(p.get_edgecolor(), diagrams.PEEPHOLE_COLOUR)]
    assert not [p for p in lines(ax) if p.get_linestyle() != "solid"]
    assert not [t for t in ax.texts if same_color(t.get_color(), diagrams.PEEPHOLE_COLOUR)]


def test_coupled_variant_has_three_layers_and_a_one_minus():
    ax = diagrams.draw_lstm_module(variant="coupled")
    boxes = layer_boxes(ax)
    assert [label_at(ax, box_centre(b)) for b in boxes] == ["σ", "tanh", "σ"]
    labels = [label_at(ax, e.center) for e in pointwise_ops(ax)]
    assert sorted(labels) == sorted(["×", "+", "1−", "×", "tanh", "×"])
    names = texts(ax)
    assert "$i_t$" not in names and names.count("$1-f_t$") == 1 and names.count("$f_t$") == 1
    # f_t is copied into the "1−": the copy leaves the f_t arrow (the f layer's column) and ends on the 1−
    one_minus = op_named(ax, "1−")
    (copy,) = lines(ax, "f_to_one_minus")
    start, tip = ends(copy)
    assert start[0] == pytest.approx(box_centre(boxes[0])[0]) and on_outline(one_minus, tip)
    # its output 1 - f_t ends on the × straight above the candidate layer, which feeds the +
    (out,) = lines(ax, "i_t")
    start, tip = ends(out)
    (input_x,) = [e for e in pointwise_ops(ax) if e.center[0] == pytest.approx(box_centre(boxes[1])[0])
                  and label_at(ax, e.center) == "×"]
    assert on_outline(one_minus, start) and on_outline(input_x, tip)


@pytest.mark.parametrize(
    ("variant", "highlight"), [(v, h) for v in sorted(EXPECTED_VARIANT) for h in sorted(EXPECTED)]
)
def test_variant_highlight_covers_exactly_its_step(variant, highlight):
    ax = diagrams.draw_lstm_module(highlight=highlight, variant=variant)
    strong = in_colour(ax.patches, diagrams.HIGHLIGHT_COLOUR)
    assert {p.get_gid() for p in strong} == EXPECTED_VARIANT[variant][highlight]
    assert diagrams.LSTM_VARIANT_HIGHLIGHTS[variant][highlight] == EXPECTED_VARIANT[variant][highlight]
    rest = [p for p in ax.patches if p not in strong and p.get_gid() != "module"]
    assert rest and rest == in_colour(rest, diagrams.FADED_COLOUR)
    assert min(p.get_linewidth() for p in strong) > max(p.get_linewidth() for p in rest)
    labelled = LABELLED_LINES | {"peep_fi", "peep_o"}
    strong_text = {t.get_gid() for t in ax.texts if same_color(t.get_color(), diagrams.HIGHLIGHT_COLOUR)}
    assert strong_text == EXPECTED_VARIANT[variant][highlight] & labelled


@pytest.mark.parametrize("variant", [None, "peephole", "coupled"])
def test_variants_plain_have_nothing_highlighted_or_faded(variant):
    ax = diagrams.draw_lstm_module(variant=variant)
    assert_nothing_highlighted_or_faded(ax)


@pytest.mark.parametrize("bad", ["Peephole", "gru", "", 1])
def test_bad_variant_names_the_allowed_values(bad):
    with pytest.raises(ValueError) as err:
        diagrams.draw_lstm_module(variant=bad)
    message = str(err.value)
    assert message.startswith("variant must be one of")
    for allowed in ["None", "'peephole'", "'coupled'"]:
        assert allowed in message
    assert f"got {bad!r}" in message


def test_gru_module_has_two_sigma_gates_and_a_tanh_candidate():
    ax = diagrams.draw_gru_module()
    boxes = layer_boxes(ax)
    assert [label_at(ax, box_centre(b)) for b in boxes] == ["σ", "σ", "tanh"]
    centres = [box_centre(b)[0] for b in boxes]
    # each gate's label sits by its own layer's column: r_t by the first σ, z_t by the second
    for k, name in enumerate(["$r_t$", "$z_t$"]):
        x, _ = text_named(ax, name).get_position()
        assert min(range(3), key=lambda j: abs(centres[j] - x)) == k, name
    names = texts(ax)
    for name in ["$h_{t-1}$", "$x_t$", "$r_t$", "$z_t$", "$1-z_t$", r"$\tilde{h}_t$", r"$r_t \odot h_{t-1}$"]:
        assert names.count(name) == 1, name
    assert names.count("$h_t$") == 2  # out to the right and up
    assert not [n for n in names if "C" in n]  # one state, h: no cell state


def test_gru_module_pointwise_ops_and_wiring():
    ax = diagrams.draw_gru_module()
    boxes = layer_boxes(ax)
    r_box, z_box, n_box = (box_centre(b) for b in boxes)
    ops = pointwise_ops(ax)
    assert sorted(label_at(ax, e.center) for e in ops) == sorted(["×", "×", "×", "+", "1−"])
    # the state line: the highest ops are the × (above the z layer) and then the +
    top = max(e.center[1] for e in ops)
    on_line = [e for e in ops if e.center[1] == pytest.approx(top)]
    assert [label_at(ax, e.center) for e in on_line] == ["×", "+"]
    keep_x, add = on_line
    assert keep_x.center[0] == pytest.approx(z_box[0]) and add.center[0] == pytest.approx(n_box[0])
    # z_t goes up from its layer into the ×; a copy of it ends on the "1−"
    (z_line,) = lines(ax, "z_t")
    start, tip = ends(z_line)
    assert start[0] == pytest.approx(z_box[0]) and on_outline(keep_x, tip)
    one_minus = op_named(ax, "1−")
    (copy,) = lines(ax, "z_to_one_minus")
    assert ends(copy)[0][0] == pytest.approx(z_box[0]) and on_outline(one_minus, ends(copy)[1])
    # 1 - z_t multiplies the candidate, straight above the tanh layer, and the product goes into the +
    (cand_x,) = [e for e in ops if e is not add and e.center[0] == pytest.approx(n_box[0])]
    (weighted,) = lines(ax, "one_minus_z")
    assert on_outline(one_minus, ends(weighted)[0]) and on_outline(cand_x, ends(weighted)[1])
    (n_line,) = lines(ax, "n_t")
    assert ends(n_line)[0][0] == pytest.approx(n_box[0]) and on_outline(cand_x, ends(n_line)[1])
    (to_add,) = lines(ax, "cand_to_add")
    assert on_outline(cand_x, ends(to_add)[0]) and on_outline(add, ends(to_add)[1])
    # r_t goes up into the reset ×, which h_{t-1} enters from the left
    (reset_x,) = [e for e in ops if e.center[0] == pytest.approx(r_box[0])]
    assert label_at(ax, reset_x.center) == "×" and reset_x.center[1] > r_box[1]
    (r_line,) = lines(ax, "r_t")
    assert on_outline(reset_x, ends(r_line)[1])
    (h_branch,) = lines(ax, "h_to_reset")
    assert on_outline(reset_x, ends(h_branch)[1]) and ends(h_branch)[0][0] < reset_x.center[0]
    # the product r_t * h_{t-1} joins x_t's line into the candidate, passing the z_t arrow with a gap
    products = lines(ax, "reset_out")
    assert on_outline(reset_x, ends(products[0])[0])
    assert ends(products[-1])[1][0] == pytest.approx(n_box[0])
    for p in products:
        v = p._path_original.vertices
        for (x0, y0), (x1, y1) in zip(v, v[1:], strict=False):
            crosses = y0 == pytest.approx(y1) and min(x0, x1) < z_box[0] < max(x0, x1)
            assert not crosses, "r_t * h_{t-1} must leave a gap where it crosses z_t"
    (x_branch,) = lines(ax, "x_to_n")
    assert has_head(x_branch) and ends(x_branch)[1][0] == pytest.approx(n_box[0])


@pytest.mark.parametrize("highlight", sorted(EXPECTED_GRU))
def test_gru_highlight_covers_exactly_its_gate(highlight):
    ax = diagrams.draw_gru_module(highlight=highlight)
    strong = in_colour(ax.patches, diagrams.HIGHLIGHT_COLOUR)
    assert {p.get_gid() for p in strong} == EXPECTED_GRU[highlight]
    assert diagrams.GRU_HIGHLIGHTS[highlight] == EXPECTED_GRU[highlight]
    assert [k for k, b in enumerate(layer_boxes(ax)) if b in strong] == EXPECTED_GRU_LAYERS[highlight]
    assert sorted(label_at(ax, e.center) for e in pointwise_ops(ax) if e in strong) == EXPECTED_GRU_OPS[highlight]
    rest = [p for p in ax.patches if p not in strong and p.get_gid() != "module"]
    assert rest and rest == in_colour(rest, diagrams.FADED_COLOUR)
    assert min(p.get_linewidth() for p in strong) > max(p.get_linewidth() for p in rest)
    strong_text = {t.get_text() for t in ax.texts if same_color(t.get_color(), diagrams.HIGHLIGHT_COLOUR)}
    assert strong_text == EXPECTED_GRU_TEXT[highlight]


def test_gru_plain_has_nothing_highlighted_or_faded():
    ax = diagrams.draw_gru_module()
    assert_nothing_highlighted_or_faded(ax)


@pytest.mark.parametrize("bad", ["Reset", "forget", "", 2])
def test_bad_gru_highlight_names_the_allowed_values(bad):
    with pytest.raises(ValueError) as err:
        diagrams.draw_gru_module(highlight=bad)
    message = str(err.value)
    for allowed in ["None", "'reset'", "'update'"]:
        assert allowed in message
    assert f"got {bad!r}" in message


@pytest.mark.parametrize("name", sorted(DRAWINGS))
def test_module_arrows_end_on_shape_edges_not_inside(name):
    """As test_arrows_end_on_shape_edges_not_inside, for the variants and the GRU; and nothing is
    drawn outside the axes."""
    ax = DRAWINGS[name]()
    tips = [ends(p)[1] for p in lines(ax) if has_head(p)]
    assert_tips_on_edges(ax, tips)
    # every label lies inside the visible area
    ax.figure.canvas.draw()
    frame = ax.get_window_extent()
    for t in ax.texts:
        box = t.get_window_extent()
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1, t.get_text()


def test_labels_do_not_overlap():
    """No two labels of a module drawing overlap (labels inside shapes are separate shapes)."""
    for name, draw in DRAWINGS.items():
        ax = draw()
        ax.figure.canvas.draw()
        boxes = [(t.get_text(), t.get_window_extent()) for t in ax.texts]
        for k, (a, box_a) in enumerate(boxes):
            for b, box_b in boxes[k + 1:]:
                assert not box_a.overlaps(box_b), (name, a, b)
        plt.close(ax.figure)


@pytest.mark.parametrize("name", sorted(DRAWINGS))
def test_module_drawings_use_the_given_axes(name):
    _, ax = plt.subplots()
    assert DRAWINGS[name](ax=ax) is ax
    assert not ax.axison and ax.get_aspect() == 1.0


TOL, PAD = 0.02, 0.05  # PAD: the boxes' outline is drawn this far outside their nominal rectangle


def _inside_box(b, x, y, margin):
    return (b.get_x() - PAD + margin < x < b.get_x() + b.get_width() + PAD - margin
            and b.get_y() - PAD + margin < y < b.get_y() + b.get_height() + PAD - margin)


def _inside_ellipse(e, x, y, margin):
    return ((x - e.center[0]) / (e.width / 2)) ** 2 + ((y - e.center[1]) / (e.height / 2)) ** 2 < 1 - margin


def assert_tips_on_edges(ax, tips):
    """No arrowhead ends inside a shape; each layer is fed from below; each op receives an arrow."""
    for x, y in tips:
        for b in layer_boxes(ax):
            assert not _inside_box(b, x, y, TOL), (x, y)
        for e in pointwise_ops(ax):
            assert not _inside_ellipse(e, x, y, 2 * TOL), (x, y)
    for b in layer_boxes(ax):
        cx, _ = box_centre(b)
        assert any(x == pytest.approx(cx) and y == pytest.approx(b.get_y() - PAD) for x, y in tips)
    for e in pointwise_ops(ax):
        assert any(not _inside_ellipse(e, x, y, 2 * TOL) and _inside_ellipse(e, x, y, -2 * TOL) for x, y in tips)


def assert_nothing_highlighted_or_faded(ax):
    for colour in (diagrams.HIGHLIGHT_COLOUR, diagrams.FADED_COLOUR):
        assert not in_colour(ax.patches, colour)
        assert not [t for t in ax.texts if same_color(t.get_color(), colour)]
