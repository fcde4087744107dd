"""The checker of chapter 15's exercise accepts the answer and names the typical mistakes."""

import pytest

import lstm_tutorial as lt
from lstm_tutorial.exercises import ch15

LESS_ONE_LAYER = ("no forget gate", "no input gate", "no output gate", "coupled gates")


def effective_parameters(variant, input_size, hidden_size):
    layers = 3 if variant in LESS_ONE_LAYER else 4
    n = layers * hidden_size * (input_size + hidden_size + 1)
    return n + (3 * hidden_size if variant == "peephole" else 0)


def from_the_cells(variant, input_size, hidden_size):
    """Counted on built cells: every parameter, less the rows of a removed gate."""
    cells = {
        "LSTM": lambda: lt.LSTMCell(input_size, hidden_size),
        "forget bias 1": lambda: lt.LSTMCell(input_size, hidden_size, forget_bias=1.0),
        "no forget gate": lambda: lt.LSTMVariantCell(input_size, hidden_size, without=("forget_gate",)),
        "no input gate": lambda: lt.LSTMVariantCell(input_size, hidden_size, without=("input_gate",)),
        "no output gate": lambda: lt.LSTMVariantCell(input_size, hidden_size, without=("output_gate",)),
        "no output activation": lambda: lt.LSTMVariantCell(input_size, hidden_size, without=("output_activation",)),
        "peephole": lambda: lt.PeepholeLSTMCell(input_size, hidden_size),
        "coupled gates": lambda: lt.CoupledLSTMCell(input_size, hidden_size),
    }
    stored = sum(p.numel() for p in cells[variant]().parameters())
    removed_gate = variant in ("no forget gate", "no input gate", "no output gate")
    unused = hidden_size * (input_size + hidden_size + 1) if removed_gate else 0
    return stored - unused


def check(fn, capsys):
    ok = lt.exercises.check_effective_parameters(fn)
    return ok, capsys.readouterr().out


def test_the_answers_pass(capsys):
    for answer in (effective_parameters, from_the_cells):
        ok, out = check(answer, capsys)
        assert ok and out.startswith("✓"), out


def test_the_starter_is_not_implemented(capsys):
    def starter(variant, input_size, hidden_size):
        raise NotImplementedError

    ok, out = check(starter, capsys)
    assert not ok and "not implemented yet" in out


def test_every_stored_parameter_counted(capsys):
    def wrong(variant, input_size, hidden_size):
        return from_the_cells(variant, input_size, hidden_size) + (
            hidden_size * (input_size + hidden_size + 1) if variant.startswith("no ") and "gate" in variant else 0)

    ok, out = check(wrong, capsys)
    assert not ok and "the removed gate's rows counted" in out


def test_the_bias_left_out(capsys):
    def wrong(variant, input_size, hidden_size):
        layers = 3 if variant in LESS_ONE_LAYER else 4
        return layers * hidden_size * (input_size + hidden_size) + (3 * hidden_size if variant == "peephole" else 0)

    ok, out = check(wrong, capsys)
    assert not ok and "the biases left out" in out


def test_the_peepholes_as_matrices(capsys):
    def wrong(variant, input_size, hidden_size):
        n = effective_parameters(variant, input_size, hidden_size)
        return n + (3 * hidden_size * (hidden_size - 1) if variant == "peephole" else 0)

    ok, out = check(wrong, capsys)
    assert not ok and "peephole weights counted as H x H matrices" in out


def test_the_coupled_cell_counted_with_an_input_gate(capsys):
    def wrong(variant, input_size, hidden_size):
        if variant == "coupled gates":
            return effective_parameters("LSTM", input_size, hidden_size)
        return effective_parameters(variant, input_size, hidden_size)

    ok, out = check(wrong, capsys)
    assert not ok and "i_t = 1 - f_t" in out


def test_a_wrong_number_is_reported_with_the_variant_and_sizes(capsys):
    ok, out = check(lambda variant, input_size, hidden_size: 0, capsys)
    assert not ok
    assert "should be 352, got 0" in out  # 4 * 8 * (2 + 8 + 1)
    assert "variant='LSTM', input_size=2, hidden_size=8" in out


@pytest.mark.parametrize("mistake", ch15._MISTAKES, ids=lambda m: m[1][:40])
def test_every_known_mistake_is_named(mistake, capsys):
    wrong, phrase = mistake
    ok, out = check(wrong, capsys)
    assert not ok and phrase in out
