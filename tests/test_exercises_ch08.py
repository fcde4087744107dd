"""The checker of chapter 8's exercise accepts the answer and names the typical mistakes."""

import math

import numpy as np
import pytest
import torch

import lstm_tutorial as lt


def steps_to_shrink(b, factor=100):
    f = 1 / (1 + math.exp(-b))
    return math.log(1 / factor) / math.log(f)


def check(fn, capsys):
    ok = lt.exercises.check_steps_to_shrink(fn)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "Traceback" not in out, out
    return ok, out


def test_the_answer_passes(capsys):
    ok, out = check(steps_to_shrink, capsys)
    assert ok and out.startswith("✓"), out


def test_another_correct_form_passes(capsys):
    # f^d = 1/factor solved with log base f; sigmoid through its other form
    ok, out = check(lambda b, factor=100: -math.log(factor, 1 / (1 + math.exp(-b))), capsys)
    assert ok, out


def test_the_starter_is_not_implemented(capsys):
    def starter(b, factor=100):
        raise NotImplementedError

    ok, out = check(starter, capsys)
    assert not ok and "not implemented yet" in out


def test_the_bias_in_place_of_the_gate(capsys):
    ok, out = check(lambda b, factor=100: math.log(1 / factor) / math.log(b), capsys)
    assert not ok and "the bias b where the gate's value sigmoid(b) belongs" in out


def test_the_factor_the_wrong_way_up(capsys):
    ok, out = check(lambda b, factor=100: steps_to_shrink(b, 1 / factor), capsys)
    assert not ok and "f^d = factor instead of f^d = 1 / factor" in out


def test_a_fixed_factor(capsys):
    ok, out = check(lambda b, factor=100: steps_to_shrink(b), capsys)
    assert not ok and "the factor fixed at 100" in out


def test_the_linear_approximation(capsys):
    def wrong(b, factor=100):
        f = 1 / (1 + math.exp(-b))
        return math.log(factor) / (1 - f)

    ok, out = check(wrong, capsys)
    assert not ok and "the approximation ln(1/f) ≈ 1 - f" in out


def test_rounded_steps(capsys):
    ok, out = check(lambda b, factor=100: round(steps_to_shrink(b, factor)), capsys)
    assert not ok and "return d unrounded" in out


def test_a_tanh_gate(capsys):
    ok, out = check(lambda b, factor=100: math.log(1 / factor) / math.log(math.tanh(b)), capsys)
    assert not ok and "a tanh where the forget gate's sigmoid belongs" in out


@pytest.mark.parametrize("answer", [
    lambda b, factor=100: math.log(factor) / math.log(1 + math.exp(-b)),  # ln(1/f) = ln(1 + e^-b)
    lambda b, factor=100: math.log2(1 / factor) / math.log2(1 / (1 + math.exp(-b))),
    lambda b, factor=100: math.log(1 / factor, math.exp(b) / (1 + math.exp(b))),
    # float32, through torch: a 0-d tensor, rounded as float32 rounds
    lambda b, factor=100: torch.log(torch.tensor(1.0 / factor)) / torch.log(torch.sigmoid(torch.tensor(float(b)))),
    lambda b, factor=100: float(-np.log(factor) / np.log(1 / (1 + np.exp(-b)))),
], ids=["log1p-form", "log2", "log-base-f", "torch-float32", "numpy"])
def test_right_answers_written_differently_pass(capsys, answer):
    ok, out = check(answer, capsys)
    assert ok and out.startswith("✓"), out


@pytest.mark.parametrize(("wrong", "phrase"), [
    (lambda b, factor=100: steps_to_shrink(b, factor) + 1, "one step too many"),
    (lambda b, factor=100: steps_to_shrink(b, factor) - 1, "one step too few"),
    (lambda b, factor=100: math.log10(1 / factor) / math.log(1 / (1 + math.exp(-b))), "base-10"),
    (lambda b, factor=100: math.log(1 / factor) / math.log10(1 / (1 + math.exp(-b))), "base-10"),
    (lambda b, factor=100: math.floor(steps_to_shrink(b, factor)), "rounded down"),
    (lambda b, factor=100: math.ceil(steps_to_shrink(b, factor)), "rounded up"),
])
def test_more_mistakes_are_named(capsys, wrong, phrase):
    ok, out = check(wrong, capsys)
    assert not ok and phrase in out, out


def test_another_default_factor_is_refused(capsys):
    ok, out = check(lambda b, factor=10: steps_to_shrink(b, factor), capsys)
    assert not ok and "the default factor" in out, out


def test_no_default_factor_says_so(capsys):
    ok, out = check(lambda b, factor: steps_to_shrink(b, factor), capsys)
    assert not ok and "TypeError" in out and "the default factor" in out, out


@pytest.mark.parametrize("wrong", [
    lambda b, factor=100: None,
    lambda b, factor=100: "94.8",
    lambda b, factor=100: [steps_to_shrink(b, factor)],
    lambda b, factor=100: steps_to_shrink(b, factor) * 1.001,  # the approximation's size of error
    lambda b, factor=100: math.log(factor) / (1 / (1 + math.exp(-b))),
])
def test_other_wrong_answers_are_refused(capsys, wrong):
    ok, out = check(wrong, capsys)
    assert not ok and out.startswith("✗"), out
