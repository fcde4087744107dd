"""The checker of chapter 6's exercise accepts the answer and names the typical mistakes."""

import pytest
import torch

import lstm_tutorial as lt


def check(fn, capsys):
    ok = lt.exercises.check_forget_gate_by_hand(fn)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, f"one sentence expected: {out}"
    return ok, out


def forget_gate_by_hand(cell, x_t, h_prev):
    H = cell.hidden_size
    rows = slice(H, 2 * H)
    return torch.sigmoid(
        x_t @ cell.weight_x[rows].T + h_prev @ cell.weight_h[rows].T + cell.bias[rows]
    )


def recorded(cell, x_t, h_prev):
    """The gate as the cell itself computes it, from the state (h_prev, anything)."""
    with lt.record_gates(cell) as gates, torch.no_grad():
        cell(x_t, (h_prev, torch.zeros_like(h_prev)))
    return gates["f"][:, 0]


def test_the_answers_pass(capsys):
    for answer in (forget_gate_by_hand, recorded):
        ok, out = check(answer, capsys)
        assert ok and out.startswith("✓"), out


def test_the_starter_is_not_implemented(capsys):
    def starter(cell, x_t, h_prev):
        raise NotImplementedError

    ok, out = check(starter, capsys)
    assert not ok and "not implemented yet" in out


def by_hand(cell, x_t, h_prev, block=1, phi=torch.sigmoid, recurrent=True, bias=True):
    H = cell.hidden_size
    rows = slice(block * H, (block + 1) * H)
    z = x_t @ cell.weight_x[rows].T
    if recurrent:
        z = z + h_prev @ cell.weight_h[rows].T
    if bias:
        z = z + cell.bias[rows]
    return phi(z)


@pytest.mark.parametrize(("options", "phrase"), [
    ({"block": 0}, "rows 0:H, the input gate's"),
    ({"block": 2}, "rows 2*H:3*H, the candidate's"),
    ({"block": 3}, "rows 3*H:4*H, the output gate's"),
    ({"phi": torch.tanh}, "a tanh where the gate's sigmoid belongs"),
    ({"recurrent": False}, "h_prev left out"),
    ({"bias": False}, "the bias b_f left out"),
])
def test_the_mistakes_are_named(capsys, options, phrase):
    ok, out = check(lambda cell, x_t, h_prev: by_hand(cell, x_t, h_prev, **options), capsys)
    assert not ok and phrase in out, out


def test_all_four_layers_have_the_wrong_shape(capsys):
    def wrong(cell, x_t, h_prev):
        return torch.sigmoid(x_t @ cell.weight_x.T + h_prev @ cell.weight_h.T + cell.bias)

    ok, out = check(wrong, capsys)
    assert not ok and "should have shape [1, 1], got [1, 4]" in out, out


def test_the_weights_swapped_raise_with_a_hint(capsys):
    def wrong(cell, x_t, h_prev):
        H = cell.hidden_size
        return torch.sigmoid(x_t @ cell.weight_h[H:2 * H].T + h_prev @ cell.weight_x[H:2 * H].T + cell.bias[H:2 * H])

    ok, out = check(wrong, capsys)
    assert not ok and "raised RuntimeError" in out and "x @ W.T" in out, out
