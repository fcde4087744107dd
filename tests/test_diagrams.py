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
    for colour in (diagrams.HIGHLIGHT_COLOUR, diagrams.FADED_COLOUR):
        assert not in_colour(ax.patches, colour)
        assert not [t for t in ax.texts if same_color(t.get_color(), colour)]


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
    tol = 0.02
    pad = 0.05  # the boxes' outline is drawn this far outside their nominal rectangle

    def inside_box(b, x, y, margin):
        return (b.get_x() - pad + margin < x < b.get_x() + b.get_width() + pad - margin
                and b.get_y() - pad + margin < y < b.get_y() + b.get_height() + pad - margin)

    def inside_ellipse(e, x, y, margin):
        return ((x - e.center[0]) / (e.width / 2)) ** 2 + ((y - e.center[1]) / (e.height / 2)) ** 2 < 1 - margin

    for x, y in tips:
        for b in layer_boxes(ax):
            assert not inside_box(b, x, y, tol), (x, y)
        for e in pointwise_ops(ax):
            assert not inside_ellipse(e, x, y, 2 * tol), (x, y)
    for b in layer_boxes(ax):
        cx, _ = box_centre(b)
        assert any(x == pytest.approx(cx) and y == pytest.approx(b.get_y() - pad) for x, y in tips)
    for e in pointwise_ops(ax):  # every op receives at least one arrow, on its outline
        assert any(not inside_ellipse(e, x, y, 2 * tol) and inside_ellipse(e, x, y, -2 * tol) for x, y in tips)


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
