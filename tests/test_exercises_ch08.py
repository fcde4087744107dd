"""The checker of chapter 8's exercise accepts the answer and names the typical mistakes."""

import math

import lstm_tutorial as lt


def steps_to_shrink(b, factor=100):
    f = 1 / (1 + math.exp(-b))
    return math.log(1 / factor) / math.log(f)


def check(fn, capsys):
    ok = lt.exercises.check_steps_to_shrink(fn)
    return ok, capsys.readouterr().out


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
