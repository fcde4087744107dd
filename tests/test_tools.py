"""Gate recording, the coupled cell's convex mix, the training loop and the diagrams."""

import inspect

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402

from lstm_tutorial import (  # noqa: E402
    CoupledLSTMCell,
    GRUCell,
    LSTMCell,
    RNNCell,
    SequenceModel,
    diagrams,
    plots,
    record_gates,
    reproducible,
    train,
    unroll,
)


def test_recorded_gates_rebuild_the_states():
    cell = LSTMCell(3, 4).double()
    x = torch.randn(2, 6, 3, dtype=torch.float64)
    with record_gates(cell) as g:
        out, (h_n, c_n) = unroll(cell, x)
    assert set(g) == {"i", "f", "g", "o", "c", "h"}
    assert all(v.shape == (2, 6, 4) for v in g.values())
    torch.testing.assert_close(g["h"], out)
    # the recorded gates satisfy the cell-state equation at every step
    c_prev = torch.cat([torch.zeros(2, 1, 4, dtype=torch.float64), g["c"][:, :-1]], dim=1)
    torch.testing.assert_close(g["c"], g["f"] * c_prev + g["i"] * g["g"])
    torch.testing.assert_close(g["h"], g["o"] * torch.tanh(g["c"]))
    assert not g["f"].requires_grad
    assert cell._trace is None  # recording stops with the block


def test_gru_records_its_own_gates():
    cell = GRUCell(3, 4)
    with record_gates(cell) as g:
        unroll(cell, torch.randn(2, 5, 3))
    assert set(g) == {"r", "z", "n", "h"}


def test_no_nested_recording():
    cell = RNNCell(2, 2)
    with record_gates(cell), pytest.raises(ValueError, match="already being recorded"):
        with record_gates(cell):
            pass


def test_coupled_cell_state_is_a_convex_mix():
    cell = CoupledLSTMCell(3, 5).double()
    x = 3 * torch.randn(4, 20, 3, dtype=torch.float64)
    with record_gates(cell) as g:
        unroll(cell, x)
    torch.testing.assert_close(g["i"], 1 - g["f"])
    # a convex mix of values in [-1, 1] (candidates, starting from zero) never leaves [-1, 1]
    assert g["c"].abs().max() <= 1.0


def test_forget_bias_sets_only_the_forget_block():
    cell = LSTMCell(2, 3, forget_bias=3.0)
    assert torch.all(cell.bias[3:6] == 3.0)
    assert torch.all(cell.bias[:3].abs() < 1) and torch.all(cell.bias[6:].abs() < 1)


def test_training_learns_and_repeats_itself():
    def make_batch(g):
        x = torch.randint(0, 2, (16, 8, 1), generator=g).float()
        return x, x  # echo the current input: learnable by anything

    def run():
        reproducible(0)
        model = SequenceModel(RNNCell(1, 4), 1)
        return train(model, make_batch, torch.nn.functional.binary_cross_entropy_with_logits, 60, log_every=30)

    first, second = run(), run()
    assert first == second
    assert sum(first[-10:]) / 10 < 0.5 * first[0]


def test_training_prints_progress(capsys):
    model = SequenceModel(RNNCell(1, 2), 1, readout="last")
    train(model, lambda g: (torch.randn(4, 3, 1, generator=g), torch.zeros(4, 1)),
          torch.nn.functional.mse_loss, 4, log_every=2, name="demo")
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[2] for line in lines] == ["2/4", "4/4"]


def test_bad_training_arguments():
    with pytest.raises(ValueError, match="steps must be a positive int, got 0"):
        train(SequenceModel(RNNCell(1, 2), 1), None, None, 0)
    with pytest.raises(ValueError, match="readout must be 'all' or 'last', got 'first'"):
        SequenceModel(RNNCell(1, 2), 1, readout="first")


def test_unrolled_diagram_has_one_cell_per_step():
    ax = diagrams.draw_unrolled(steps=3)
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    assert len(boxes) == 3
    labels = {t.get_text() for t in ax.texts}
    assert {"$x_{0}$", "$x_{2}$", "$h_{1}$"} <= labels


def test_unrolled_diagram_with_ellipsis_ends_at_t():
    ax = diagrams.draw_unrolled(steps=5)
    labels = {t.get_text() for t in ax.texts}
    assert "$x_{t}$" in labels and "$\\cdots$" in labels
    assert len([p for p in ax.patches if isinstance(p, FancyBboxPatch)]) == 4


def test_loop_diagram_has_the_feedback_arrow():
    ax = diagrams.draw_rnn_loop()
    labels = {t.get_text() for t in ax.texts}
    assert {"$x_t$", "$h_t$", "$A$"} <= labels
    assert any("h_{t-1}" in t for t in labels)


def test_dependency_arc_runs_from_source_to_target():
    ax = diagrams.draw_dependency(["the", "clouds", "are", "in", "the", "sky"], source=1, target=5)
    labels = [t.get_text() for t in ax.texts]
    assert "?" in labels and "sky" in labels and "gap: 4 words" in labels
    assert "clouds" in labels
    with pytest.raises(ValueError, match=r"expected 0 <= source < target < 3 .* got source=2, target=1"):
        diagrams.draw_dependency(["a", "b", "c"], source=2, target=1)


def test_plot_gates_draws_one_panel_per_name_on_fixed_scales():
    cell = LSTMCell(2, 3)
    with record_gates(cell) as g:
        unroll(cell, torch.randn(2, 7, 2))
    fig = plots.plot_gates(g, names=("f", "c"), labels=list("abcdefg"))
    images = [im for ax in fig.axes for im in ax.images]
    assert len(images) == 2
    assert images[0].get_clim() == (0, 1)  # a gate: always 0 to 1
    low, high = images[1].get_clim()
    assert low == -high and high >= 1  # a signed quantity: centred on zero
    assert [t.get_text() for t in fig.axes[1].get_xticklabels()] == list("abcdefg")
    with pytest.raises(ValueError, match=r"expected names among .*got \['q'\]"):
        plots.plot_gates(g, names=("q",))


def test_plot_successes_and_gradients():
    ax = plots.plot_successes({"rnn": {2: 5, 20: 1}}, seeds=5)
    assert list(ax.lines[0].get_ydata()) == [5, 1]
    ax = plots.plot_gradient_norms({"a": [1.0, 0.1, 0.01]})
    assert ax.get_yscale() == "log"


def test_show_lines_points_at_the_package(capsys):
    from lstm_tutorial.book import show_lines

    show_lines(LSTMCell.step, "f_t = torch.sigmoid", "c_t = ")
    out = capsys.readouterr().out.splitlines()
    first = inspect.getsourcelines(LSTMCell.step)[1]
    source = inspect.getsource(LSTMCell.step).splitlines()
    numbers = [first + k for k, line in enumerate(source) if "f_t = torch.sigmoid" in line or "c_t = " in line]
    assert out[0] == "lstm_tutorial/cells/lstm.py, in LSTMCell.step:"
    assert out[1].startswith(f"{numbers[0]}  f_t = torch.sigmoid(f_t)")
    assert any(line.startswith(f"{numbers[1]}  c_t = f_t * c_prev") for line in out)
    with pytest.raises(ValueError, match="expected a line containing one of \\('nothing here',\\)"):
        show_lines(LSTMCell.step, "nothing here")


def test_show_lines_fits_the_page(capsys):
    """Every listing line fits the book's output width; a long line keeps its code whole and
    moves its comment below, where nothing of it is lost."""
    from lstm_tutorial.book import LISTING_WIDTH, _fit, show_lines

    code = "value = compute(first_argument, second_argument)"
    comment = "why this is done, said at some length so that the line is far too wide for the page"
    pieces = _fit(f"{code}  # {comment}", 50)
    assert pieces[0] == code and all(len(p) <= 50 for p in pieces)
    assert " ".join(p.removeprefix("# ") for p in pieces[1:]) == comment
    show_lines(LSTMCell.step, "_t = ")
    assert all(len(line) <= LISTING_WIDTH for line in capsys.readouterr().out.splitlines())


def test_plot_variant_results_one_row_per_variant():
    ax = plots.plot_variant_results({"a": [0.1, 0.2], "b": [0.01, 0.02, 0.03]}, baseline=0.16, threshold=0.01)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    assert len(ax.collections) == 2 and ax.get_xscale() == "log"


def test_plateau_end():
    losses = [1.0] * 100 + [0.01] * 100
    assert plots.plateau_end(losses, 0.5, window=1) == 100
    assert 100 < plots.plateau_end(losses, 0.5, window=50) < 130  # the running mean lags
    assert plots.plateau_end([0.1] * 10, 0.5) == 0


def test_train_epochs_passes_over_the_loader(capsys):
    from torch.utils.data import DataLoader, TensorDataset

    from lstm_tutorial import train_epochs

    reproducible(0)
    x = torch.randn(40, 5, 1)
    y = x.sum(dim=1)
    model = SequenceModel(LSTMCell(1, 4), 1, readout="last")
    loader = DataLoader(TensorDataset(x, y), batch_size=10)
    history = train_epochs(model, loader, torch.nn.functional.mse_loss, 20, evaluate=lambda: 0.5)
    assert len(history) == 20 and history[-1] < history[0]
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5 and lines[-1].startswith("epoch  20/20") and "validation 0.5000" in lines[-1]
    with pytest.raises(ValueError, match="epochs must be a positive int, got 0"):
        train_epochs(model, loader, torch.nn.functional.mse_loss, 0)


def test_glued_returns_what_glue_stored_and_names_what_is_known():
    import lstm_tutorial as lt

    assert lt.glue("test_rmse", 0.404) == 0.404
    assert lt.glued("test_rmse") == 0.404
    with pytest.raises(ValueError, match="no value glued under 'test_missing'.*test_rmse"):
        lt.glued("test_missing")


def test_budget_flags_a_chapter_over_budget_and_over_the_one_core_aim(tmp_path, monkeypatch):
    from pathlib import Path

    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parent.parent / "tools"))
    import budget

    chapters = tmp_path / "chapters"
    chapters.mkdir()
    for name in ("01_fast", "02_slow_on_one_core", "03_too_slow"):
        (chapters / f"{name}.ipynb").write_text("{}")
    times = {"01_fast": (5.0, 6.0), "02_slow_on_one_core": (25.0, 31.0), "03_too_slow": (61.0, 70.0)}
    calls = []

    def fake_measure(notebook, one_core=False):
        calls.append((notebook.stem, one_core))
        return times[notebook.stem][one_core], 400.0

    monkeypatch.setattr(budget, "ROOT", tmp_path)
    monkeypatch.setattr(budget, "measure", fake_measure)
    budget.main([])
    report = (tmp_path / "reports" / "budget.md").read_text()
    rows = {line.split(" | ")[0].strip("| "): line for line in report.splitlines() if line.startswith("| 0")}
    assert "over" not in rows["01_fast"]
    assert "over the one-core aim" in rows["02_slow_on_one_core"] and "over budget" not in rows["02_slow_on_one_core"]
    assert "**over budget**" in rows["03_too_slow"]
    assert ("02_slow_on_one_core", True) in calls and ("02_slow_on_one_core", False) in calls
    # a run of a few chapters prints them and leaves the whole book's report alone
    (tmp_path / "reports" / "budget.md").write_text("kept")
    budget.main(["--two-cores-only", "1"])
    assert (tmp_path / "reports" / "budget.md").read_text() == "kept"
    assert calls[-1] == ("01_fast", False)
