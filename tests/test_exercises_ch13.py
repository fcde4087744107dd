"""The checkers of chapter 13's exercises: right answers, however written, pass; wrong ones are refused,
with the mistake named where the checker knows it; nothing raises; one line is printed."""

import copy
import math

import numpy as np
import pytest
import torch
from torch import nn

import lstm_tutorial as lt
from lstm_tutorial.exercises import ch13


def run(checker, fn, capsys):
    ok = checker(fn)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.endswith("\n"), out  # exactly one printed line
    assert out.startswith("✓" if ok else "✗"), out
    return ok, out


# -- make_forms_agree ------------------------------------------------------------------------------------


def make_forms_agree(cell, *, keep_bias=False, hold_reset=False, block=2, zero=False):
    cell = copy.deepcopy(cell)
    H = cell.hidden_size
    rows = slice(block * H, (block + 1) * H)
    with torch.no_grad():
        cell.weight_h[rows] = 0.0 if zero else torch.diag(torch.diagonal(cell.weight_h[rows]))
        if not keep_bias:
            cell.bias_h[rows] = 0.0
        if hold_reset:
            cell.bias[:H] = 50.0
    return cell


def with_an_eye_mask(cell):
    cell = copy.deepcopy(cell)
    H = cell.hidden_size
    with torch.no_grad():
        cell.weight_h[2 * H:] *= torch.eye(H, dtype=cell.weight_h.dtype)
        cell.bias_h[2 * H:] = 0
    return cell


def entry_by_entry(cell):
    new = copy.deepcopy(cell)
    H = new.hidden_size
    with torch.no_grad():
        for i in range(H):
            for j in range(H):
                if i != j:
                    new.weight_h[2 * H + i, j] = 0.0
            new.bias_h[2 * H + i] = 0.0
    return new


def into_a_new_cell(cell):
    """A fresh lt.GRUCell with the changed weights copied in (built through torch.nn's GRUCell)."""
    H = cell.hidden_size
    w_h = cell.weight_h.detach().clone()
    w_h[2 * H:] = torch.diag_embed(torch.diagonal(w_h[2 * H:]))
    b_h = cell.bias_h.detach().clone()
    b_h[2 * H:] = 0
    module = nn.GRUCell(cell.input_size, H, dtype=cell.weight_h.dtype)
    with torch.no_grad():
        module.weight_ih.copy_(cell.weight_x)
        module.weight_hh.copy_(w_h)
        module.bias_ih.copy_(cell.bias)
        module.bias_hh.copy_(b_h)
    return lt.GRUCell.from_torch(module)


def as_an_nn_gru(cell):
    """An nn.GRU, which the checker loads with GRUCell.from_torch."""
    module = nn.GRU(cell.input_size, cell.hidden_size, dtype=torch.float64)
    H = cell.hidden_size
    with torch.no_grad():
        module.weight_ih_l0.copy_(cell.weight_x)
        module.weight_hh_l0.copy_(cell.weight_h)
        module.weight_hh_l0[2 * H:] = torch.diag(torch.diagonal(cell.weight_h[2 * H:]))
        module.bias_ih_l0.copy_(cell.bias)
        module.bias_hh_l0.copy_(cell.bias_h)
        module.bias_hh_l0[2 * H:] = 0
    return module


@pytest.mark.parametrize("answer", [make_forms_agree, with_an_eye_mask, entry_by_entry, into_a_new_cell,
                                    as_an_nn_gru])
def test_right_forms_agree_pass(answer, capsys):
    ok, out = run(lt.exercises.check_make_forms_agree, answer, capsys)
    assert ok, out


def test_forms_agree_starter_is_not_implemented(capsys):
    def starter(cell):
        raise NotImplementedError

    ok, out = run(lt.exercises.check_make_forms_agree, starter, capsys)
    assert not ok and "not implemented yet" in out


@pytest.mark.parametrize(("wrong", "phrase"), ch13._FORMS_MISTAKES, ids=lambda v: v[:30] if isinstance(v, str) else "")
def test_every_known_forms_mistake_is_named(wrong, phrase, capsys):
    ok, out = run(lt.exercises.check_make_forms_agree, wrong, capsys)
    held = "the reset gate held open" in phrase  # refused before the weights are compared, in other words
    assert not ok and (phrase in out or held and "the reset gate is held at r_t = 1" in out), out


def held_reset(cell, value=50.0, zero_b_hn=False):
    cell = copy.deepcopy(cell)
    H = cell.hidden_size
    with torch.no_grad():
        cell.bias[:H] = value
        if zero_b_hn:
            cell.bias_h[2 * H:] = 0
    return cell


def in_place(cell):
    H = cell.hidden_size
    with torch.no_grad():
        cell.weight_h[2 * H:] *= torch.eye(H, dtype=cell.weight_h.dtype)
        cell.bias_h[2 * H:] = 0
    return cell


def without_bias_h(cell):
    cell = make_forms_agree(cell)
    cell.bias_h = None
    return cell


def with_weight_h_replaced(cell):
    cell = copy.deepcopy(cell)
    H = cell.hidden_size
    cell.weight_h = nn.Parameter(torch.diag(torch.diagonal(cell.weight_h[2 * H:])).detach())  # only W_hn
    return cell


def in_float32(cell):
    return make_forms_agree(cell).float()


def with_forward_replaced(cell):
    new = copy.deepcopy(cell)
    new.forward = lambda x_t, h: ch13._both_forms(ch13._weights(cell), x_t, h)[1]
    return new


def with_the_diagonal_changed(cell):
    cell = make_forms_agree(cell)
    H = cell.hidden_size
    with torch.no_grad():
        cell.weight_h[2 * H:] = torch.eye(H)
    return cell


@pytest.mark.parametrize(("answer", "phrase"), [
    (lambda c: make_forms_agree(c, keep_bias=True), "b_hn left as it was"),
    (lambda c: make_forms_agree(c, block=0), "the reset gate's block (the first H rows) changed"),
    (lambda c: make_forms_agree(c, zero=True), "W_hn set to zero: keep its diagonal"),
    (held_reset, "the reset gate is held at r_t = 1"),
    (lambda c: held_reset(c, -50.0, zero_b_hn=True), "the reset gate is held at r_t = 0"),
    (in_place, "changes the cell it was given in place (its weight_h)"),
    (without_bias_h, "whose bias_h is None"),
    (with_weight_h_replaced, "whose weight_h has shape"),
    (in_float32, "should return a cell in torch.float64"),
    (with_forward_replaced, "whose `forward` was replaced"),
    (with_the_diagonal_changed, "weight_h (only the off-diagonal entries of its last H rows may change)"),
    (lambda c: c.weight_h, "should return an lt.GRUCell, got a tensor of shape"),
    (lambda c: nn.GRUCell(c.input_size, c.hidden_size).double(), "still differ"),
    (lambda c: lt.GRUCell(c.input_size, c.hidden_size, bias=False).double(), "whose bias is None"),
    (lambda c: None, "got None"),
    (lambda c: c.hidden_size / 0, "raised ZeroDivisionError"),
])
def test_wrong_forms_agree_are_refused_without_a_crash(answer, phrase, capsys):
    ok, out = run(lt.exercises.check_make_forms_agree, answer, capsys)
    assert not ok and phrase in out, out


# -- rnn_from_gru ----------------------------------------------------------------------------------------


def rnn_from_gru(gru, *, block=2, bias="both", transpose=False, nonlinearity="tanh"):
    H = gru.hidden_size
    rows = slice(block * H, (block + 1) * H)
    rnn = lt.RNNCell(gru.input_size, H, nonlinearity=nonlinearity).double()
    b = {"both": gru.bias[rows] + gru.bias_h[rows], "input": gru.bias[rows]}[bias]
    with torch.no_grad():
        rnn.weight_x.copy_(gru.weight_x[rows])
        rnn.weight_h.copy_(gru.weight_h[rows].T if transpose else gru.weight_h[rows])
        rnn.bias.copy_(b)
    return rnn


def through_nn_rnn(gru):
    H = gru.hidden_size
    module = nn.RNN(gru.input_size, H, batch_first=True, dtype=gru.weight_h.dtype)
    with torch.no_grad():
        module.weight_ih_l0.copy_(gru.weight_x[2 * H:])
        module.weight_hh_l0.copy_(gru.weight_h[2 * H:])
        module.bias_ih_l0.copy_(gru.bias[2 * H:])  # PyTorch's two biases, like the GRU's
        module.bias_hh_l0.copy_(gru.bias_h[2 * H:])
    return module


def through_nn_rnncell(gru):
    H = gru.hidden_size
    module = nn.RNNCell(gru.input_size, H).double()
    with torch.no_grad():
        module.weight_ih.copy_(gru.weight_x.chunk(3)[2])
        module.weight_hh.copy_(gru.weight_h.chunk(3)[2])
        module.bias_ih.copy_(gru.bias.chunk(3)[2] + gru.bias_h.chunk(3)[2])
        module.bias_hh.zero_()
    return lt.RNNCell.from_torch(module)


@pytest.mark.parametrize("answer", [rnn_from_gru, through_nn_rnn, through_nn_rnncell])
def test_right_rnns_pass(answer, capsys):
    ok, out = run(lt.exercises.check_rnn_from_gru, answer, capsys)
    assert ok, out


def test_rnn_from_gru_starter_is_not_implemented(capsys):
    def starter(gru):
        raise NotImplementedError

    ok, out = run(lt.exercises.check_rnn_from_gru, starter, capsys)
    assert not ok and "not implemented yet" in out


@pytest.mark.parametrize(("wrong", "phrase"), ch13._RNN_MISTAKES, ids=lambda v: v[:30] if isinstance(v, str) else "")
def test_every_known_rnn_mistake_is_named(wrong, phrase, capsys):
    ok, out = run(lt.exercises.check_rnn_from_gru, wrong, capsys)
    assert not ok and phrase in out, out


def writing_into_the_gru(gru):
    rnn = rnn_from_gru(gru)
    with torch.no_grad():
        gru.bias_h.zero_()
    return rnn


@pytest.mark.parametrize(("answer", "phrase"), [
    (lambda g: rnn_from_gru(g, bias="input"), "the RNN's bias is b_in + b_hn"),
    (lambda g: rnn_from_gru(g, block=0), "the reset gate's rows (the first block)"),
    (lambda g: rnn_from_gru(g, transpose=True), "a transposed hidden weight"),
    (lambda g: g, "should return an lt.RNNCell, got an lt.GRUCell"),
    (lambda g: rnn_from_gru(g, nonlinearity="relu"), "should return a tanh RNN, got nonlinearity='relu'"),
    (lambda g: rnn_from_gru(g).float(), "should return a cell in torch.float64"),
    (writing_into_the_gru, "changes the cell it was given in place (its bias_h)"),
    (lambda g: lt.RNNCell(g.input_size + 1, g.hidden_size).double(), "should return an lt.RNNCell with input_size="),
    (lambda g: [rnn_from_gru(g)], "got a list of 1 item"),
])
def test_wrong_rnns_are_refused_without_a_crash(answer, phrase, capsys):
    ok, out = run(lt.exercises.check_rnn_from_gru, answer, capsys)
    assert not ok and phrase in out, out


# -- matched_lstm_units ----------------------------------------------------------------------------------


def matched_lstm_units(input_size, gru_hidden):
    budget = 3 * (gru_hidden * (input_size + gru_hidden) + 2 * gru_hidden)
    H = 0
    while 4 * ((H + 1) * (input_size + H + 1) + 2 * (H + 1)) <= budget:
        H += 1
    return H


def from_one(input_size, gru_hidden):
    """Counting from 1: right whenever one unit fits, as on every input the checker tries."""
    budget = 3 * (gru_hidden * (input_size + gru_hidden) + 2 * gru_hidden)
    return max(h for h in range(1, 2 * gru_hidden) if 4 * (h * (input_size + h) + 2 * h) <= budget)


def closed_form(input_size, gru_hidden):
    """The largest H with 4 H^2 + 4 (I + 2) H <= budget, in exact integer arithmetic."""
    budget = 3 * (gru_hidden * (input_size + gru_hidden) + 2 * gru_hidden)
    b = input_size + 2  # H^2 + b H <= budget / 4  <=>  (2H + b)^2 <= b^2 + budget
    return (math.isqrt(b * b + budget) - b) // 2


def with_torch(input_size, gru_hidden):
    budget = sum(p.numel() for p in nn.GRU(input_size, gru_hidden).parameters())
    H = 1
    while sum(p.numel() for p in nn.LSTM(input_size, H + 1).parameters()) <= budget:
        H += 1
    return np.int64(H)  # a numpy integer is a number too


@pytest.mark.parametrize("answer", [matched_lstm_units, from_one, closed_form, with_torch,
                                    lambda i, h: float(matched_lstm_units(i, h)),
                                    lambda i, h: torch.tensor(matched_lstm_units(i, h))])
def test_right_unit_counts_pass(answer, capsys):
    ok, out = run(lt.exercises.check_matched_lstm_units, answer, capsys)
    assert ok, out


def test_matched_units_starter_is_not_implemented(capsys):
    def starter(input_size, gru_hidden):
        raise NotImplementedError

    ok, out = run(lt.exercises.check_matched_lstm_units, starter, capsys)
    assert not ok and "not implemented yet" in out


def counted(lstm_biases=2, gru_biases=2, lstm_blocks=4, gru_blocks=3, strict=False):
    """A student's count, written out independently of the checker's model of it."""
    def answer(input_size, gru_hidden):
        budget = gru_blocks * (gru_hidden * (input_size + gru_hidden) + gru_biases * gru_hidden)
        fits = [h for h in range(1, 3 * gru_hidden)
                if (n := lstm_blocks * (h * (input_size + h) + lstm_biases * h)) < budget
                or (n == budget and not strict)]
        return max(fits)
    return answer


@pytest.mark.parametrize(("answer", "phrase"), [
    # the two wrong bias counts that passed all six cases of the first printing
    (counted(lstm_biases=1, gru_biases=1), "both models counted with one bias per block instead of two"),
    (counted(lstm_biases=0, gru_biases=0), "both models counted without their bias vectors"),
    (counted(lstm_biases=1), "the book's LSTMCell count (one bias per block)"),
    (counted(gru_biases=1), "the GRU counted with one bias per block instead of two"),
    (counted(gru_blocks=4), "both models counted with the same number of blocks"),
    (counted(lstm_blocks=3), "both models counted with the same number of blocks"),
    (counted(strict=True), "< where <= belongs"),
    (lambda i, h: matched_lstm_units(i, h) + 1, "the smallest LSTM that exceeds the budget"),
    (lambda i, h: matched_lstm_units(i, h) - 1, "one unit fewer than fits"),
    (lambda i, h: int(0.75 * h), "the ratio 3/4 holds for parameter counts"),
    (lambda i, h: int(math.sqrt(3 / 4) * h), "sqrt(3/4) times the GRU's units"),
])
def test_wrong_unit_counts_are_named(answer, phrase, capsys):
    ok, out = run(lt.exercises.check_matched_lstm_units, answer, capsys)
    assert not ok and phrase in out, out


def test_every_wrong_count_parts_from_the_right_one_and_from_each_other():
    right = tuple(ch13._matched(*c) for c in ch13._MATCHED_CASES)
    seen = {right: "the right count"}
    for wrong, what in ch13._matched_mistakes():
        results = tuple(wrong(*c) for c in ch13._MATCHED_CASES)
        assert results not in seen, (what, seen.get(results))
        seen[results] = what


@pytest.mark.parametrize(("answer", "phrase"), [
    (lambda i, h: "27", "should be a number, got a str"),
    (lambda i, h: None, "should be a number, got None"),
    (lambda i, h: True, "should be a number"),
    (lambda i, h: [27], "should be a number, got a list"),
    (lambda i: 27, "raised TypeError"),
])
def test_broken_unit_counts_do_not_crash_the_checker(answer, phrase, capsys):
    ok, out = run(lt.exercises.check_matched_lstm_units, answer, capsys)
    assert not ok and phrase in out, out


def test_the_checkers_leave_the_global_seed_alone(capsys):
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    lt.exercises.check_make_forms_agree(make_forms_agree)
    lt.exercises.check_rnn_from_gru(rnn_from_gru)
    lt.exercises.check_matched_lstm_units(matched_lstm_units)
    capsys.readouterr()
    assert torch.equal(torch.rand(3), expected)
