"""The checker of chapter 17's exercise accepts the answer and names the typical mistakes."""

import itertools

import pytest
from torch import nn

import lstm_tutorial as lt
from lstm_tutorial.counting import lstm_parameter_count
from lstm_tutorial.exercises import ch17


def count(input_size, h, num_layers, bidirectional, projected):
    return lstm_parameter_count(input_size, h, num_layers=num_layers, bidirectional=bidirectional,
                                proj_size=h // 4 if projected else 0)


def largest_hidden(budget, input_size, num_layers, bidirectional, projected):
    h = 1
    while count(input_size, h + 1, num_layers, bidirectional, projected) <= budget:
        h += 1
    return h


def by_bisection(budget, input_size, num_layers, bidirectional, projected):
    """Another right answer: the count grows with h, so bisect."""
    low, high = 1, 2
    while count(input_size, high, num_layers, bidirectional, projected) <= budget:
        low, high = high, 2 * high
    while high - low > 1:
        mid = (low + high) // 2
        if count(input_size, mid, num_layers, bidirectional, projected) <= budget:
            low = mid
        else:
            high = mid
    return low


def check(fn, capsys):
    ok = lt.exercises.check_largest_hidden(fn)
    return ok, capsys.readouterr().out


def test_the_answers_pass(capsys):
    for answer in (largest_hidden, by_bisection):
        ok, out = check(answer, capsys)
        assert ok and out.startswith("✓"), out


def test_the_starter_is_not_implemented(capsys):
    def starter(budget, input_size, num_layers, bidirectional, projected):
        raise NotImplementedError

    ok, out = check(starter, capsys)
    assert not ok and "not implemented yet" in out


def test_the_answer_fits_and_one_unit_more_does_not():
    for projected in (False, True):
        h = largest_hidden(1_000_000, 64, 2, True, projected)
        sizes = [sum(p.numel() for p in nn.LSTM(64, k, num_layers=2, bidirectional=True,
                                                   proj_size=k // 4 if projected else 0).parameters())
                 for k in (h, h + 1)]
        assert sizes[0] <= 1_000_000 < sizes[1]


def test_the_slips_model_matches_the_package_count():
    for i, h, layers, bi, p in itertools.product([1, 7, 64], [2, 5, 40], [1, 2, 3], [False, True], [0, 1]):
        assert ch17._count(i, h, layers, bi, p) == lstm_parameter_count(i, h, num_layers=layers,
                                                                       bidirectional=bi, proj_size=p)


def test_the_first_size_that_does_not_fit(capsys):
    def wrong(budget, input_size, num_layers, bidirectional, projected):
        h = 1
        while count(input_size, h, num_layers, bidirectional, projected) <= budget:
            h += 1
        return h

    ok, out = check(wrong, capsys)
    assert not ok and "one too many" in out


def test_a_strict_comparison(capsys):
    def wrong(budget, input_size, num_layers, bidirectional, projected):
        h = 1
        while count(input_size, h + 1, num_layers, bidirectional, projected) < budget:
            h += 1
        return h

    ok, out = check(wrong, capsys)
    assert not ok and "a model of exactly the budget fits" in out
    assert "on input 3 of 6" in out  # the first budget that a model meets exactly


def test_one_direction_only(capsys):
    ok, out = check(lambda b, i, layers, bi, proj: largest_hidden(b, i, layers, False, proj), capsys)
    assert not ok and "the backward direction left out" in out


def test_one_bias_vector_by_hand(capsys):
    def wrong(budget, input_size, num_layers, bidirectional, projected):
        d = 2 if bidirectional else 1
        h = 1
        while True:
            H = h + 1
            P = H // 4 if projected else 0
            R = P or H
            n = sum(d * (4 * H * (input_size if layer == 0 else d * R) + 4 * H * R + 4 * H + P * H)
                    for layer in range(num_layers))
            if n > budget:
                return h
            h = H

    ok, out = check(wrong, capsys)
    assert not ok and "one bias vector per layer and direction" in out


def test_the_projection_ignored(capsys):
    ok, out = check(lambda b, i, layers, bi, proj: largest_hidden(b, i, layers, bi, False), capsys)
    assert not ok and "on input 2 of 6" in out and "the projection left out" in out


@pytest.mark.parametrize("mistake", ch17._MISTAKES, ids=lambda m: m[1][:40])
def test_every_known_mistake_is_named(mistake, capsys):
    wrong, phrase = mistake
    ok, out = check(wrong, capsys)
    assert not ok and phrase in out
