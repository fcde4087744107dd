"""The checkers of chapter 2's exercises accept the answers and name the typical mistakes."""

import pytest
import torch
from torch import nn

import lstm_tutorial as lt
from lstm_tutorial.exercises.ch02 import _backward_chain, random_bidirectional_rnn


def check(checker, fn, capsys):
    ok = checker(fn)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, f"one sentence expected: {out}"
    return ok, out


# -- torch_rnn_param_count -----------------------------------------------------------------------------


def torch_rnn_param_count(input_size, hidden_size):
    H, I = hidden_size, input_size  # noqa: E741
    return H * I + H * H + 2 * H


def test_param_count_answer_passes_and_matches_torch(capsys):
    ok, out = check(lt.exercises.check_torch_rnn_param_count, torch_rnn_param_count, capsys)
    assert ok and out.startswith("✓"), out
    for i, h in [(3, 5), (1, 1), (64, 1)]:
        assert torch_rnn_param_count(i, h) == sum(p.numel() for p in nn.RNN(i, h).parameters())


def test_param_count_starter(capsys):
    def starter(input_size, hidden_size):
        raise NotImplementedError

    ok, out = check(lt.exercises.check_torch_rnn_param_count, starter, capsys)
    assert not ok and "not implemented yet" in out


@pytest.mark.parametrize(("wrong", "phrase"), [
    (lambda i, h: h * i + h * h + h, "one bias vector, as in the book's cell"),
    (lambda i, h: h * i + h * h, "the biases left out"),
    (lambda i, h: h * i + h * h + 2 * i, "biases of length input_size"),
    (lambda i, h: 2 * h * i + 2 * h, "W_hh counted as hidden_size × input_size"),
    (lambda i, h: i * h + i * i + 2 * i, "input_size and hidden_size swapped"),
])
def test_param_count_mistakes(capsys, wrong, phrase):
    ok, out = check(lt.exercises.check_torch_rnn_param_count, wrong, capsys)
    assert not ok and phrase in out, out


def test_param_count_off_by_one_is_not_rounded_away(capsys):
    ok, out = check(lt.exercises.check_torch_rnn_param_count, lambda i, h: torch_rnn_param_count(i, h) + 1, capsys)
    assert not ok and "should be 84, got 85" in out, out


# -- backward_chain ------------------------------------------------------------------------------------------


def backward_chain(rnn, x):
    backward_only = nn.RNN(rnn.input_size, rnn.hidden_size, batch_first=True, dtype=x.dtype)
    with torch.no_grad():
        for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
            getattr(backward_only, name).copy_(getattr(rnn, name + "_reverse"))
    cell = lt.RNNCell.from_torch(backward_only)
    states_reversed, _ = lt.unroll(cell, x.flip(1))
    return states_reversed.flip(1)


def test_the_reference_is_what_nn_rnn_computes():
    gen = torch.Generator().manual_seed(0)
    rnn = random_bidirectional_rnn(gen, 3, 4)
    x = torch.randn(2, 6, 3, generator=gen, dtype=torch.float64)
    output, _ = rnn(x)
    torch.testing.assert_close(_backward_chain(rnn, x), output[..., 4:], atol=1e-12, rtol=0)
    torch.testing.assert_close(_backward_chain(rnn, x, suffix="", flip_in=False, flip_out=False), output[..., :4],
                               atol=1e-12, rtol=0)


def test_backward_chain_answer_passes(capsys):
    ok, out = check(lt.exercises.check_backward_chain, backward_chain, capsys)
    assert ok and out.startswith("✓"), out


def test_backward_chain_starter(capsys):
    def starter(rnn, x):
        raise NotImplementedError

    ok, out = check(lt.exercises.check_backward_chain, starter, capsys)
    assert not ok and "not implemented yet" in out


def by_hand(rnn, x, suffix="_reverse", flip_in=True, flip_out=True, biases=("bias_ih_l0", "bias_hh_l0")):
    w_ih, w_hh = getattr(rnn, "weight_ih_l0" + suffix), getattr(rnn, "weight_hh_l0" + suffix)
    b = sum(getattr(rnn, name + suffix) for name in biases)
    cell = lt.RNNCell(rnn.input_size, rnn.hidden_size).double()
    with torch.no_grad():
        cell.weight_x.copy_(w_ih)
        cell.weight_h.copy_(w_hh)
        cell.bias.copy_(b)
    states, _ = lt.unroll(cell, x.flip(1) if flip_in else x)
    return states.flip(1) if flip_out else states


@pytest.mark.parametrize(("options", "phrase"), [
    ({}, None),
    ({"suffix": ""}, "the forward chain's weights (those without `_reverse`)"),
    ({"flip_out": False}, "the states left in reversed time order"),
    ({"flip_in": False, "flip_out": False}, "the `_reverse` weights run forwards in time"),
    ({"biases": ("bias_ih_l0",)}, "bias_ih_l0_reverse alone"),
    ({"suffix": "", "flip_in": False, "flip_out": False}, "the forward chain (output[..., :H])"),
])
def test_backward_chain_mistakes(capsys, options, phrase):
    ok, out = check(lt.exercises.check_backward_chain, lambda rnn, x: by_hand(rnn, x, **options), capsys)
    if phrase is None:
        assert ok, out
    else:
        assert not ok and phrase in out, out


def test_backward_chain_both_directions_returned(capsys):
    ok, out = check(lt.exercises.check_backward_chain,
                    lambda rnn, x: torch.cat([by_hand(rnn, x, suffix="", flip_in=False, flip_out=False),
                                              by_hand(rnn, x)], dim=-1), capsys)
    assert not ok and "should have shape [2, 7, 4], got [2, 7, 8]" in out, out


def test_backward_chain_running_the_module_is_refused(capsys):
    ok, out = check(lt.exercises.check_backward_chain, lambda rnn, x: rnn(x)[0][..., rnn.hidden_size:], capsys)
    assert not ok and "the bidirectional nn.RNN was called" in out, out


def test_backward_chain_float32_copy_gets_a_dtype_hint(capsys):
    def wrong(rnn, x):
        backward_only = nn.RNN(rnn.input_size, rnn.hidden_size, batch_first=True)
        with torch.no_grad():
            for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
                getattr(backward_only, name).copy_(getattr(rnn, name + "_reverse"))
        return lt.unroll(lt.RNNCell.from_torch(backward_only), x.flip(1))[0].flip(1)

    ok, out = check(lt.exercises.check_backward_chain, wrong, capsys)
    assert not ok and "float64" in out and "dtype=x.dtype" in out, out
