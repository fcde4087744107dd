"""The checker of chapter 15's exercise accepts right answers however they are written, refuses the
wrong ones (naming the mistake where it knows it), never raises, and prints exactly one line."""

import math

import numpy as np
import pytest
import torch

import lstm_tutorial as lt
from lstm_tutorial.exercises import ch15

LESS_ONE_LAYER = ("no forget gate", "no input gate", "no output gate", "coupled gates")


def effective_parameters(variant, input_size, hidden_size):
    """The chapter's answer."""
    if variant == "GRU":
        return 3 * hidden_size * (input_size + hidden_size + 2)
    layers = 3 if variant in LESS_ONE_LAYER else 4
    n = layers * hidden_size * (input_size + hidden_size + 1)
    return n + (3 * hidden_size if variant == "peephole" else 0)


def build(variant, input_size, hidden_size):
    return {
        "LSTM": lambda: lt.LSTMCell(input_size, hidden_size),
        "forget bias 1": lambda: lt.LSTMCell(input_size, hidden_size, forget_bias=1.0),
        "GRU": lambda: lt.GRUCell(input_size, hidden_size),
        "no forget gate": lambda: lt.LSTMVariantCell(input_size, hidden_size, without=("forget_gate",)),
        "no input gate": lambda: lt.LSTMVariantCell(input_size, hidden_size, without=("input_gate",)),
        "no output gate": lambda: lt.LSTMVariantCell(input_size, hidden_size, without=("output_gate",)),
        "no output activation": lambda: lt.LSTMVariantCell(input_size, hidden_size, without=("output_activation",)),
        "peephole": lambda: lt.PeepholeLSTMCell(input_size, hidden_size),
        "coupled gates": lambda: lt.CoupledLSTMCell(input_size, hidden_size),
    }[variant]()


# ---- right answers, written differently -------------------------------------------------------------


def from_the_cells(variant, input_size, hidden_size):
    """Counted on built cells: every parameter, less the rows of a removed gate."""
    stored = sum(p.numel() for p in build(variant, input_size, hidden_size).parameters())
    removed_gate = variant in ("no forget gate", "no input gate", "no output gate")
    unused = hidden_size * (input_size + hidden_size + 1) if removed_gate else 0
    return stored - unused


def by_gradient(variant, input_size, hidden_size):
    """Counted the way the exercise defines it: the numbers that receive a gradient."""
    torch.manual_seed(0)
    cell = build(variant, input_size, hidden_size).double()
    outputs, _ = lt.unroll(cell, torch.randn(2, 4, input_size, dtype=torch.float64))
    outputs.sum().backward()
    return sum(int((p.grad != 0).sum()) for p in cell.parameters())


def with_numpy(variant, input_size, hidden_size):
    """np.prod and a table; returns a NumPy integer."""
    if variant == "GRU":
        return np.prod([3, hidden_size, input_size + hidden_size + 2])
    layers = {"no forget gate": 3, "no input gate": 3, "no output gate": 3, "coupled gates": 3}.get(variant, 4)
    peepholes = np.int64(3 * hidden_size) if variant == "peephole" else np.int64(0)
    return np.prod([layers, hidden_size, input_size + hidden_size + 1]) + peepholes


def as_float(variant, input_size, hidden_size):
    return float(effective_parameters(variant, input_size, hidden_size))


def as_tensor(variant, input_size, hidden_size):
    return torch.tensor(effective_parameters(variant, input_size, hidden_size))


def with_torch_modules(variant, input_size, hidden_size):
    """nn.GRU for the GRU (it has the same parameters as the book's cell); weights and biases
    spelled out for the LSTMs."""
    if variant == "GRU":
        return sum(p.numel() for p in torch.nn.GRU(input_size, hidden_size).parameters())
    weights = input_size * hidden_size + hidden_size * hidden_size
    per_layer = weights + hidden_size
    total = 4 * per_layer
    if variant in LESS_ONE_LAYER:
        total -= per_layer
    if variant == "peephole":
        total += hidden_size * 3
    return total


RIGHT = [effective_parameters, from_the_cells, by_gradient, with_numpy, as_float, as_tensor, with_torch_modules]


def check(fn, capsys):
    ok = lt.exercises.check_effective_parameters(fn)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, f"expected exactly one printed line, got:\n{out}"
    return ok, out


@pytest.mark.parametrize("answer", RIGHT, ids=lambda f: f.__name__)
def test_right_answers_pass(answer, capsys):
    ok, out = check(answer, capsys)
    assert ok and out.startswith("✓"), out


def test_the_reference_agrees_with_the_cells_at_every_size():
    for input_size, hidden_size in ch15._SIZES:
        for variant in ch15.VARIANTS:
            expected = ch15._effective_parameters(variant, input_size, hidden_size)
            assert from_the_cells(variant, input_size, hidden_size) == expected
            assert by_gradient(variant, input_size, hidden_size) == expected


def test_the_cases_cover_every_variant_of_the_chapter():
    assert set(ch15.VARIANTS) == {
        "LSTM", "forget bias 1", "GRU", "no forget gate", "no input gate", "no output gate",
        "no output activation", "peephole", "coupled gates",
    }
    sizes = {c.args[1:] for c in ch15._cases()}
    assert any(h == 1 for _, h in sizes) and any(i == 1 for i, _ in sizes)
    assert any(i > h for i, h in sizes) and any(i < h for i, h in sizes)


# ---- wrong answers ---------------------------------------------------------------------------------


def test_the_starter_is_not_implemented(capsys):
    def starter(variant, input_size, hidden_size):
        raise NotImplementedError

    ok, out = check(starter, capsys)
    assert not ok and "not implemented yet" in out


@pytest.mark.parametrize("mistake", ch15._MISTAKES, ids=lambda m: m[1][:40])
def test_every_known_mistake_is_refused_and_named(mistake, capsys):
    wrong, phrase = mistake
    ok, out = check(wrong, capsys)
    assert not ok and phrase in out, out


def test_every_known_mistake_differs_from_the_answer_at_the_first_size():
    """Each mistake shows already at the chapter's sizes, where its message is clearest."""
    for wrong, phrase in ch15._MISTAKES:
        assert any(
            wrong(v, 2, 8) != effective_parameters(v, 2, 8) for v in ch15.VARIANTS
        ), phrase


def test_every_stored_parameter_counted(capsys):
    def wrong(variant, input_size, hidden_size):
        return sum(p.numel() for p in build(variant, input_size, hidden_size).parameters())

    ok, out = check(wrong, capsys)
    assert not ok and "the removed gate's rows counted" in out


def test_nn_lstm_counts_two_biases(capsys):
    def wrong(variant, input_size, hidden_size):
        if variant == "GRU":
            return sum(p.numel() for p in torch.nn.GRU(input_size, hidden_size).parameters())
        n = sum(p.numel() for p in torch.nn.LSTM(input_size, hidden_size).parameters())
        layers = 3 if variant in LESS_ONE_LAYER else 4
        return n * layers // 4 + (3 * hidden_size if variant == "peephole" else 0)

    ok, out = check(wrong, capsys)
    assert not ok and "two bias vectors per layer, as nn.LSTM keeps" in out


def test_the_gru_as_an_lstm_with_three_layers(capsys):
    def wrong(variant, input_size, hidden_size):
        if variant == "GRU":
            return 3 * hidden_size * (input_size + hidden_size + 1)
        return effective_parameters(variant, input_size, hidden_size)

    ok, out = check(wrong, capsys)
    assert not ok and "the GRU counted with one bias vector per layer" in out


def test_an_answer_written_before_the_gru_was_added(capsys):
    def wrong(variant, input_size, hidden_size):
        layers = {"LSTM": 4, "forget bias 1": 4, "no forget gate": 3, "no input gate": 3, "no output gate": 3,
                  "no output activation": 4, "peephole": 4, "coupled gates": 3}[variant]
        return layers * hidden_size * (input_size + hidden_size + 1)

    ok, out = check(wrong, capsys)
    assert not ok and "raised KeyError: 'GRU'" in out


def test_the_chapters_numbers_typed_in(capsys):
    table = {v: effective_parameters(v, 2, 8) for v in ch15.VARIANTS}

    ok, out = check(lambda variant, input_size, hidden_size: table[variant], capsys)
    assert not ok and "input_size=3, hidden_size=5" in out


def test_the_input_size_fixed_at_two(capsys):
    ok, out = check(lambda variant, input_size, hidden_size: effective_parameters(variant, 2, hidden_size), capsys)
    assert not ok and "input_size=3" in out


def test_the_square_of_the_hidden_size_left_out(capsys):
    def wrong(variant, input_size, hidden_size):
        layers = 3 if variant in LESS_ONE_LAYER else 4
        n = layers * hidden_size * (input_size + 1) + layers * hidden_size
        return n + (3 * hidden_size if variant == "peephole" else 0)

    ok, out = check(wrong, capsys)
    assert not ok and out.startswith("✗")


@pytest.mark.parametrize(
    ("result", "phrase"),
    [
        (None, "should be a number, got None"),
        ("352", "should be a number, got a str"),
        ([352], "should be a number, got a list of 1 item"),
        (352.5, "should be 352, got 352.5"),
        (True, "should be a number"),
    ],
)
def test_a_result_of_the_wrong_kind(result, phrase, capsys):
    ok, out = check(lambda variant, input_size, hidden_size: result, capsys)
    assert not ok and phrase in out, out


def test_not_a_function(capsys):
    ok, out = check(352, capsys)
    assert not ok and "should be a function" in out


def test_an_answer_that_raises_is_reported_not_raised(capsys):
    ok, out = check(lambda variant, input_size, hidden_size: 1 / 0, capsys)
    assert not ok and "ZeroDivisionError" in out


def test_a_wrong_number_is_reported_with_the_variant_and_sizes(capsys):
    ok, out = check(lambda variant, input_size, hidden_size: 0, capsys)
    assert not ok
    assert "should be 352, got 0" in out  # 4 * 8 * (2 + 8 + 1)
    assert "variant='LSTM', input_size=2, hidden_size=8" in out


def test_a_wrong_answer_is_never_accepted_by_rounding():
    assert math.isclose(ch15._effective_parameters("GRU", 2, 8), 288)
