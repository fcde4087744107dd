"""The checker of chapter 17's exercise accepts right answers however they are written, refuses wrong
ones (naming the mistake where it knows it), never raises, and prints exactly one line."""

import itertools
import math

import pytest
from torch import nn

import lstm_tutorial as lt
from lstm_tutorial.counting import count_parameters, lstm_parameter_count
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
    """The count grows with h (from 4 on, and below 4 the budget fits): bisect."""
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


def by_building_modules(budget, input_size, num_layers, bidirectional, projected):
    """Bisection again, counting the parameters of real modules."""
    def n(h):
        return count_parameters(nn.LSTM(input_size, h, num_layers=num_layers, bidirectional=bidirectional,
                                        proj_size=h // 4 if projected else 0))
    low, high = 1, 1024
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (mid, high) if n(mid) <= budget else (low, mid)
    return low


def by_the_definition(budget, input_size, num_layers, bidirectional, projected):
    """The largest of all sizes that fit, without assuming the count grows."""
    return max(h for h in range(1, 3000) if count(input_size, h, num_layers, bidirectional, projected) <= budget)


def from_a_formula_then_corrected(budget, input_size, num_layers, bidirectional, projected):
    """Solve the quadratic of the unprojected count for a first guess, then step to the answer."""
    d = 2 if bidirectional else 1
    a = d * 4 * (1 + (num_layers - 1) * (d + 1))  # the H^2 terms
    b = d * num_layers * 8 + d * 4 * input_size  # the H terms
    h = max(1, int((-b + math.sqrt(b * b + 4 * a * budget)) / (2 * a)))
    while count(input_size, h + 1, num_layers, bidirectional, projected) <= budget:
        h += 1
    while h > 1 and count(input_size, h, num_layers, bidirectional, projected) > budget:
        h -= 1
    return h


def returning_a_float(budget, input_size, num_layers, bidirectional, projected):
    return float(largest_hidden(budget, input_size, num_layers, bidirectional, projected))


RIGHT = [largest_hidden, by_bisection, by_building_modules, by_the_definition, from_a_formula_then_corrected,
         returning_a_float]


def check(fn, capsys):
    ok = lt.exercises.check_largest_hidden(fn)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out
    return ok, out


@pytest.mark.parametrize("answer", RIGHT, ids=lambda f: f.__name__)
def test_right_answers_pass(answer, capsys):
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
        sizes = [count_parameters(nn.LSTM(64, k, num_layers=2, bidirectional=True,
                                          proj_size=k // 4 if projected else 0)) for k in (h, h + 1)]
        assert sizes[0] <= 1_000_000 < sizes[1]


def test_the_slips_model_matches_the_package_count():
    for i, h, layers, bi, p in itertools.product([1, 7, 64], [2, 5, 40], [1, 2, 3], [False, True], [0, 1]):
        assert ch17._count(i, h, layers, bi, p) == lstm_parameter_count(i, h, num_layers=layers,
                                                                       bidirectional=bi, proj_size=p)


def test_every_case_is_one_where_the_search_and_the_definition_agree():
    for c in ch17._cases():
        assert ch17._largest_hidden(*c.args) == by_the_definition(*c.args)


def by_hand(*, biases=8, bias_per_direction=True, upper_reads="DR", weight_hh_cols="R", hr=True, hr_per_direction=True,
            proj=lambda h: h // 4, strict=False, extra=0, step=1, layers=None, directions=None):
    """largest_hidden written out by hand, with one slip."""
    def answer(budget, input_size, num_layers, bidirectional, projected):
        d = directions or (2 if bidirectional else 1)

        def n(H):
            P = proj(H) if projected else 0
            R = P or H
            total = 0
            for layer in range(layers or num_layers):
                reads = input_size if layer == 0 else {"DR": d * R, "R": R, "DH": d * H, "I": input_size}[upper_reads]
                total += d * (4 * H * reads + 4 * H * {"R": R, "H": H}[weight_hh_cols])
                total += (d if bias_per_direction else 1) * biases * H
                total += (d if hr_per_direction else 1) * (P * H if hr else 0)
            return total

        h = 1
        while (n(h + step) < budget) if strict else (n(h + step) <= budget):
            h += step
        return h + extra
    return answer


WRONG = {
    "first size that does not fit": (by_hand(extra=1), "one too many"),
    "one too few": (by_hand(extra=-1), "one too few"),
    "strict comparison": (by_hand(strict=True), "a model of exactly the budget fits"),
    "steps of 4": (by_hand(step=4), None),
    "steps of 2": (by_hand(step=2), "a search in steps of 2"),
    "one direction": (by_hand(directions=1), "the backward direction left out"),
    "Keras's bias count": (by_hand(biases=4), "half the biases"),
    "biases once per layer": (by_hand(bias_per_direction=False), "half the biases"),
    "no biases": (by_hand(biases=0), "the biases left out"),
    "three bias vectors": (by_hand(biases=12), None),
    "every layer reads the input": (by_hand(upper_reads="I"), "every layer counted as reading input_size"),
    "upper layers read one direction": (by_hand(upper_reads="R"), "counted as reading one direction"),
    "upper layers read D * H": (by_hand(upper_reads="DH"), "counted as reading D * H features"),
    "one layer": (by_hand(layers=1), "only the first layer counted"),
    "weight_hh of H columns": (by_hand(weight_hh_cols="H"), "weight_hh counted as 4H x H"),
    "no weight_hr": (by_hand(hr=False), "the projection's own weights left out"),
    "weight_hr once per layer": (by_hand(hr_per_direction=False), "weight_hr counted once per layer"),
    "no projection": (by_hand(proj=lambda h: 0), "the projection left out"),
    "proj_size rounded up": (by_hand(proj=lambda h: math.ceil(h / 4)), "proj_size rounded up"),
    "proj_size rounded": (by_hand(proj=lambda h: round(h / 4)), "proj_size rounded to the nearest"),
    "proj_size a quarter of the input": (by_hand(proj=lambda h: 16 // 4), None),
}


@pytest.mark.parametrize("name", WRONG)
def test_wrong_answers_are_refused_and_named(name, capsys):
    answer, phrase = WRONG[name]
    ok, out = check(answer, capsys)
    assert not ok and out.startswith("✗"), out
    if phrase:
        assert phrase in out, out


def test_a_strict_comparison_fails_where_a_model_meets_the_budget(capsys):
    ok, out = check(WRONG["strict comparison"][0], capsys)
    assert "on input 3 of 9" in out  # the first budget that a model meets exactly


def test_the_projection_ignored_fails_on_the_projected_case(capsys):
    ok, out = check(WRONG["no projection"][0], capsys)
    assert "on input 2 of 9" in out


@pytest.mark.parametrize("returned", [None, "168", [168], 168.5, True],
                         ids=["None", "str", "list", "half", "bool"])
def test_odd_returns_do_not_crash(returned, capsys):
    ok, out = check(lambda *args: returned, capsys)
    assert not ok and out.startswith("✗")


def test_the_count_instead_of_the_size_is_refused(capsys):
    ok, out = check(lambda b, i, layers, bi, proj: count(i, largest_hidden(b, i, layers, bi, proj), layers, bi, proj),
                    capsys)
    assert not ok and "should be 168" in out


def test_starting_at_zero_does_not_crash(capsys):
    def wrong(budget, input_size, num_layers, bidirectional, projected):
        h = 0
        while count(input_size, h, num_layers, bidirectional, projected) <= budget:
            h += 1
        return h - 1

    ok, out = check(wrong, capsys)
    assert not ok and "raised ValueError" in out


@pytest.mark.parametrize("mistake", ch17._MISTAKES, ids=lambda m: m[1][:40])
def test_every_known_mistake_is_named(mistake, capsys):
    wrong, phrase = mistake
    ok, out = check(wrong, capsys)
    assert not ok and phrase in out
