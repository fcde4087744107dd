"""The checkers of chapter 2's exercises accept the answers and name the typical mistakes."""

import numpy as np
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


@pytest.mark.parametrize(("wrong", "phrase"), [
    (lambda i, h: h * h + 2 * h, "the input weights W_ih"),
    (lambda i, h: h * i + 2 * h, "the recurrent weights W_hh"),
    (lambda i, h: h * i + h * h + 2, "each bias counted as one number"),
    (lambda i, h: 4 * (h * i + h * h + 2 * h), "four layers counted, as in an LSTM"),
    (lambda i, h: h * (i + h + 2) if h > 1 else 0, "should be 4, got 0 (on input 2 of 7"),
    (lambda i, h: "84", "should be a number, got a str"),
    (lambda i, h: None, "should be a number, got None"),
])
def test_param_count_more_wrong_answers(capsys, wrong, phrase):
    ok, out = check(lt.exercises.check_torch_rnn_param_count, wrong, capsys)
    assert not ok and phrase in out, out


@pytest.mark.parametrize("answer", [
    lambda i, h: h * (i + h + 2),
    lambda i, h: float(h * i + h * h + 2 * h),
    lambda i, h: np.int64(h) * i + np.int64(h) ** 2 + 2 * h,
    lambda i, h: torch.tensor(h * i + h * h + 2 * h),
    lambda input_size, hidden_size: sum([hidden_size * input_size, hidden_size**2, hidden_size, hidden_size]),
])
def test_param_count_right_variants_pass(capsys, answer):
    ok, out = check(lt.exercises.check_torch_rnn_param_count, answer, capsys)
    assert ok and out.startswith("✓"), out


def test_param_count_by_building_the_module_is_refused(capsys):
    for answer in (lambda i, h: sum(p.numel() for p in nn.RNN(i, h).parameters()),
                   lambda i, h: sum(p.numel() for p in nn.RNNCell(i, h).parameters()) + h,
                   lambda i, h: lt.counting.count_parameters(lt.RNNCell(i, h)) + h):
        ok, out = check(lt.exercises.check_torch_rnn_param_count, answer, capsys)
        assert not ok and "write the count as a formula" in out, out
    # and the modules work again afterwards
    assert sum(p.numel() for p in nn.RNN(3, 7).parameters()) == 84


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


def test_backward_chain_running_a_copy_of_the_module_is_refused(capsys):
    def copied(rnn, x):
        twin = nn.RNN(rnn.input_size, rnn.hidden_size, batch_first=True, bidirectional=True, dtype=x.dtype)
        twin.load_state_dict(rnn.state_dict())
        return twin(x)[0][..., rnn.hidden_size:]

    def by_forward(rnn, x):
        return nn.RNN.forward(rnn, x)[0][..., rnn.hidden_size:]

    for answer in (copied, by_forward):
        ok, out = check(lt.exercises.check_backward_chain, answer, capsys)
        assert not ok and "the bidirectional nn.RNN was called" in out, out
    # the module runs again once the checker is done
    rnn = random_bidirectional_rnn(torch.Generator().manual_seed(0), 2, 3)
    assert rnn(torch.zeros(1, 2, 2, dtype=torch.float64))[0].shape == (1, 2, 6)


def one_direction_module(rnn, x):
    # the `_reverse` weights in a one-directional nn.RNN, run on reversed time: the same idea
    forward_only = nn.RNN(rnn.input_size, rnn.hidden_size, batch_first=True, dtype=x.dtype)
    with torch.no_grad():
        for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
            getattr(forward_only, name).copy_(getattr(rnn, name + "_reverse"))
    return forward_only(x.flip(1))[0].flip(1)


def loop_from_the_end(rnn, x):
    cell = lt.RNNCell(rnn.input_size, rnn.hidden_size).to(x.dtype)
    with torch.no_grad():
        cell.weight_x.copy_(rnn.weight_ih_l0_reverse)
        cell.weight_h.copy_(rnn.weight_hh_l0_reverse)
        cell.bias.copy_(rnn.bias_ih_l0_reverse + rnn.bias_hh_l0_reverse)
    h, states = None, [None] * x.shape[1]
    for t in reversed(range(x.shape[1])):
        h = cell(x[:, t], h)
        states[t] = h
    return torch.stack(states, dim=1)


def in_float32(rnn, x):
    backward_only = nn.RNN(rnn.input_size, rnn.hidden_size, batch_first=True)  # float32
    with torch.no_grad():
        for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
            getattr(backward_only, name).copy_(getattr(rnn, name + "_reverse"))
    return lt.unroll(lt.RNNCell.from_torch(backward_only), x.flip(1).float())[0].flip(1)


@pytest.mark.parametrize("answer", [backward_chain, one_direction_module, loop_from_the_end, in_float32])
def test_backward_chain_right_variants_pass(capsys, answer):
    ok, out = check(lt.exercises.check_backward_chain, answer, capsys)
    assert ok and out.startswith("✓"), out


@pytest.mark.parametrize(("wrong", "phrase"), [
    # flipping the batch axis before and after is no flip at all
    (lambda rnn, x: by_hand(rnn, x.flip(0), flip_in=False, flip_out=False).flip(0), "flip(0) would reverse the batch"),
    (lambda rnn, x: by_hand(rnn, x).squeeze(), "should have shape [1, 5, 2], got [5, 2]"),
    (lambda rnn, x: by_hand(rnn, x)[:, -1], "should have shape [2, 7, 4], got [2, 4]"),
    (lambda rnn, x: (by_hand(rnn, x), None), "should be a tensor of shape [2, 7, 4], got a tuple of 2 items"),
])
def test_backward_chain_more_wrong_answers(capsys, wrong, phrase):
    ok, out = check(lt.exercises.check_backward_chain, wrong, capsys)
    assert not ok and phrase in out, out


def test_backward_chain_in_place_change_of_the_module_is_refused(capsys):
    def wrong(rnn, x):
        result = by_hand(rnn, x)
        with torch.no_grad():
            rnn.weight_ih_l0.zero_()
        return result

    ok, out = check(lt.exercises.check_backward_chain, wrong, capsys)
    assert not ok and "changes rnn (its weight_ih_l0) in place" in out, out


def test_backward_chain_float32_copy_is_right(capsys):
    # a float32 module against the checker's float64 x: right in float32, so accepted
    def float32_module(rnn, x):
        backward_only = nn.RNN(rnn.input_size, rnn.hidden_size, batch_first=True)
        with torch.no_grad():
            for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
                getattr(backward_only, name).copy_(getattr(rnn, name + "_reverse"))
        return lt.unroll(lt.RNNCell.from_torch(backward_only), x.flip(1))[0].flip(1)

    ok, out = check(lt.exercises.check_backward_chain, float32_module, capsys)
    assert ok, out


def test_backward_chain_dtype_clash_that_float32_does_not_mend_gets_a_hint(capsys):
    def wrong(rnn, x):
        cell = lt.RNNCell(rnn.input_size, rnn.hidden_size).double()  # always float64
        return lt.unroll(cell, x.float())[0]

    ok, out = check(lt.exercises.check_backward_chain, wrong, capsys)
    assert not ok and "float64" in out and "dtype=x.dtype" in out, out
