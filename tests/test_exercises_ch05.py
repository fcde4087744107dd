"""The checkers of chapter 5's exercises accept the answers and name the typical mistakes."""

import math

import pytest
import torch

import lstm_tutorial as lt


def check(checker, fn, capsys):
    ok = checker(fn)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, f"one sentence expected: {out}"
    return ok, out


# -- gate -------------------------------------------------------------------------------------------------------


def gate(v, inputs, W, b):
    return torch.sigmoid(inputs @ W.T + b) * v


def test_gate_answers_pass(capsys):
    for answer in (gate, lambda v, inputs, W, b: v / (1 + torch.exp(-(W @ inputs.T).T - b))):
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

    for answer in (make_leaky, with_torch_logit):
        ok, out = check(lt.exercises.check_make_leaky, answer, capsys)
        assert ok and out.startswith("✓"), out


def test_leaky_starter(capsys):
    def starter(cell, keep):
        raise NotImplementedError

    ok, out = check(lt.exercises.check_make_leaky, starter, capsys)
    assert not ok and "not implemented yet" in out


def leaky(forget=1, shut=0, bias=lambda k: math.log(k / (1 - k)), zero=True, shut_bias=-30.0, fixed=None):
    def make(cell, keep):
        keep = keep if fixed is None else fixed
        H = cell.hidden_size
        f, i = slice(forget * H, (forget + 1) * H), slice(shut * H, (shut + 1) * H)
        with torch.no_grad():
            if zero:
                cell.weight_x[f] = 0.0
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
