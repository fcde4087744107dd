"""The checkers of chapter 5's exercises accept the answers and name the typical mistakes."""

import math

import pytest
import torch
from torch import nn

import lstm_tutorial as lt


def check(checker, fn, capsys):
    ok = checker(fn)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, f"one sentence expected: {out}"
    return ok, out


# -- gate -------------------------------------------------------------------------------------------------------


def gate(v, inputs, W, b):
    return torch.sigmoid(inputs @ W.T + b) * v


def with_a_linear_layer(v, inputs, W, b):
    layer = nn.Linear(W.shape[1], W.shape[0])  # float32, as a student would build it
    with torch.no_grad():
        layer.weight.copy_(W)
        layer.bias.copy_(b)
    return torch.sigmoid(layer(inputs)) * v


@pytest.mark.parametrize("answer", [
    gate,
    lambda v, inputs, W, b: v / (1 + torch.exp(-(W @ inputs.T).T - b)),
    lambda v, inputs, W, b: torch.nn.functional.linear(inputs, W, b).sigmoid().mul(v),
    lambda v, inputs, W, b: v * torch.sigmoid(torch.einsum("nk,bk->bn", W, inputs) + b),
    lambda v, inputs, W, b: torch.sigmoid(torch.addmm(b, inputs, W.T)) * v,
    lambda v, inputs, W, b: torch.stack([torch.sigmoid(W @ x_k + b) * v_k for x_k, v_k in zip(inputs, v, strict=True)]),
    lambda v, inputs, W, b: torch.sigmoid(inputs.float() @ W.float().T + b.float()) * v.float(),
    with_a_linear_layer,
])
def test_gate_right_variants_pass(capsys, answer):
    ok, out = check(lt.exercises.check_gate, answer, capsys)
    assert ok and out.startswith("✓"), out


def test_gate_starter(capsys):
    def starter(v, inputs, W, b):
        raise NotImplementedError

    ok, out = check(lt.exercises.check_gate, starter, capsys)
    assert not ok and "not implemented yet" in out


@pytest.mark.parametrize(("wrong", "phrase"), [
    (lambda v, x, W, b: torch.tanh(x @ W.T + b) * v, "a tanh where the gate's sigmoid belongs"),
    (lambda v, x, W, b: torch.sigmoid(x @ W.T + b), "alone, not applied to v"),
    (lambda v, x, W, b: torch.sigmoid(x @ W + b) * v, "W used untransposed"),
    (lambda v, x, W, b: torch.sigmoid(x @ W.T) * v, "the bias b left out"),
    (lambda v, x, W, b: torch.sigmoid(x @ W.T + b) * x, "the gate applied to the inputs instead of to v"),
    (lambda v, x, W, b: torch.sigmoid(x @ W.T + b) + v, "a sum where the product"),
    (lambda v, x, W, b: (1 - torch.sigmoid(x @ W.T + b)) * v, "the gate's sign flipped"),
])
def test_gate_mistakes(capsys, wrong, phrase):
    ok, out = check(lt.exercises.check_gate, wrong, capsys)
    assert not ok and phrase in out, out


@pytest.mark.parametrize(("wrong", "phrase"), [
    (lambda v, x, W, b: torch.sigmoid(v @ W.T + b) * v, "the sigmoid layer reading v instead of inputs"),
    (lambda v, x, W, b: torch.sigmoid((x @ W.T + b) * v), "v multiplied inside the sigmoid"),
    (lambda v, x, W, b: (torch.sigmoid(x @ W.T) + b) * v, "the bias added after the sigmoid"),
    (lambda v, x, W, b: (x @ W.T + b) * v, "no sigmoid"),
    (lambda v, x, W, b: (torch.sigmoid(x @ W.T + b) * v).squeeze(), "should have shape [1, 2], got [2]"),
    (lambda v, x, W, b: torch.sigmoid(x @ W.T + b[:, None]) * v, "raised RuntimeError"),
    (lambda v, x, W, b: None, "got None"),
])
def test_gate_more_wrong_answers(capsys, wrong, phrase):
    ok, out = check(lt.exercises.check_gate, wrong, capsys)
    assert not ok and phrase in out, out


def test_gate_in_place_change_is_refused(capsys):
    def wrong(v, inputs, W, b):
        return v.mul_(torch.sigmoid(inputs @ W.T + b))

    ok, out = check(lt.exercises.check_gate, wrong, capsys)
    assert not ok and "changes v in place" in out, out


def test_gate_for_one_example_only(capsys):
    ok, out = check(lt.exercises.check_gate, lambda v, x, W, b: torch.sigmoid(W @ x[0] + b) * v[0], capsys)
    assert not ok and "should have shape [4, 3], got [3]" in out, out


# -- make_leaky -------------------------------------------------------------------------------------------------


def make_leaky(cell, keep):
    H = cell.hidden_size
    with torch.no_grad():
        cell.weight_x[H:2 * H] = 0.0
        cell.weight_h[H:2 * H] = 0.0
        cell.bias[H:2 * H] = math.log(keep / (1 - keep))
        cell.bias[:H] = -30.0  # nothing written
    return cell


def test_leaky_answers_pass(capsys):
    def with_torch_logit(cell, keep):
        H = cell.hidden_size
        with torch.no_grad():
            cell.weight_x[:2 * H] = 0.0
            cell.weight_h[:2 * H] = 0.0
            cell.bias[H:2 * H] = torch.logit(torch.tensor(keep))
            cell.bias[:H] = -1e4
        return cell

    def candidate_zeroed(cell, keep):
        # nothing written because the candidate is 0, not because the input gate is shut: also right
        H = cell.hidden_size
        with torch.no_grad():
            cell.weight_x[H:3 * H] = 0.0
            cell.weight_h[H:3 * H] = 0.0
            cell.bias[H:2 * H] = math.log(keep) - math.log1p(-keep)
            cell.bias[2 * H:3 * H] = 0.0
        return cell

    def a_new_cell(cell, keep):
        leaky = lt.LSTMCell(cell.input_size, cell.hidden_size).double()
        leaky.load_state_dict(cell.state_dict())
        return make_leaky(leaky, keep)

    def by_chunks(cell, keep):
        with torch.no_grad():
            for rows in (cell.weight_x.view(4, cell.hidden_size, -1), cell.weight_h.view(4, cell.hidden_size, -1)):
                rows[0].zero_()
                rows[1].zero_()
            i_b, f_b, _, _ = cell.bias.view(4, -1)
            f_b.fill_(float(torch.logit(torch.tensor(keep, dtype=torch.float64))))
            i_b.fill_(-100.0)
        return cell

    for answer in (make_leaky, with_torch_logit, candidate_zeroed, a_new_cell, by_chunks):
        ok, out = check(lt.exercises.check_make_leaky, answer, capsys)
        assert ok and out.startswith("✓"), (answer.__name__, out)


def test_leaky_starter(capsys):
    def starter(cell, keep):
        raise NotImplementedError

    ok, out = check(lt.exercises.check_make_leaky, starter, capsys)
    assert not ok and "not implemented yet" in out


def leaky(forget=1, shut=0, bias=lambda k: math.log(k / (1 - k)), zero=True, shut_bias=-30.0, fixed=None,
          zero_x=True, zero_h=True):
    def make(cell, keep):
        keep = keep if fixed is None else fixed
        H = cell.hidden_size
        f, i = slice(forget * H, (forget + 1) * H), slice(shut * H, (shut + 1) * H)
        with torch.no_grad():
            if zero and zero_x:
                cell.weight_x[f] = 0.0
            if zero and zero_h:
                cell.weight_h[f] = 0.0
            cell.bias[f] = bias(keep)
            if shut_bias is not None:
                cell.weight_x[i] = 0.0
                cell.weight_h[i] = 0.0
                cell.bias[i] = shut_bias
        return cell

    return make


@pytest.mark.parametrize(("options", "phrase"), [
    ({"bias": lambda k: k}, "the bias set to keep itself"),
    ({"bias": math.log}, "the bias set to ln(keep)"),
    ({"bias": lambda k: math.log((1 - k) / k)}, "the bias's sign flipped"),
    ({"zero_x": False}, "rows of weight_x left as they were"),
    ({"zero_h": False}, "rows of weight_h left as they were"),
    ({"fixed": 0.99}, "keep fixed at 0.99"),
    ({"zero": False}, "the forget gate's weights left as they were"),
    ({"shut_bias": None}, "the input gate left open"),
    ({"shut_bias": 0.0}, "opens it halfway"),
    ({"forget": 0, "shut": 1}, "the forget and input gates' rows swapped"),
    ({"shut": 2}, "the candidate's rows (2*H:3*H) shut"),
])
def test_leaky_mistakes(capsys, options, phrase):
    ok, out = check(lt.exercises.check_make_leaky, leaky(**options), capsys)
    assert not ok and phrase in out, out


def test_leaky_keep_fixed_fails_on_the_second_input(capsys):
    ok, out = check(lt.exercises.check_make_leaky, leaky(fixed=0.99), capsys)
    assert "the forget gate f_t at every step has wrong values" in out and "keep=0.5" in out, out


def test_leaky_must_return_the_cell(capsys):
    def forgot_return(cell, keep):
        make_leaky(cell, keep)

    ok, out = check(lt.exercises.check_make_leaky, forgot_return, capsys)
    assert not ok and "should return an lt.LSTMCell(3, 4), got None (did you forget `return cell`?)" in out


def test_leaky_other_wrong_returns(capsys):
    ok, out = check(lt.exercises.check_make_leaky, lambda cell, keep: lt.LSTMCell(3, 4), capsys)
    assert not ok and out.startswith("✗"), out
    ok, out = check(lt.exercises.check_make_leaky, lambda cell, keep: lt.RNNCell(3, 4), capsys)
    assert not ok and "should return an lt.LSTMCell(3, 4), got a RNNCell" in out, out
    ok, out = check(lt.exercises.check_make_leaky, lambda cell, keep: 1 / 0, capsys)
    assert not ok and "raised ZeroDivisionError" in out, out
