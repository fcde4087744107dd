"""The checkers of chapter 13's exercises accept the answers and name the typical mistakes."""

import copy

import torch

import lstm_tutorial as lt


def check(checker, fn, capsys):
    ok = checker(fn)
    return ok, capsys.readouterr().out


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


def test_forms_agree_passes(capsys):
    ok, out = check(lt.exercises.check_make_forms_agree, make_forms_agree, capsys)
    assert ok and out.startswith("✓"), out


def test_forms_agree_changed_in_place_passes(capsys):
    def in_place(cell):
        H = cell.hidden_size
        with torch.no_grad():
            cell.weight_h[2 * H:] *= torch.eye(H, dtype=cell.weight_h.dtype)
            cell.bias_h[2 * H:] = 0
        return cell

    ok, out = check(lt.exercises.check_make_forms_agree, in_place, capsys)
    assert ok, out


def test_forms_agree_starter_is_not_implemented(capsys):
    def starter(cell):
        raise NotImplementedError

    ok, out = check(lt.exercises.check_make_forms_agree, starter, capsys)
    assert not ok and "not implemented yet" in out


def test_forms_agree_with_b_hn_left(capsys):
    ok, out = check(lt.exercises.check_make_forms_agree, lambda c: make_forms_agree(c, keep_bias=True), capsys)
    assert not ok and "still differ" in out and "b_hn left as it was" in out


def test_forms_agree_in_the_wrong_block(capsys):
    ok, out = check(lt.exercises.check_make_forms_agree, lambda c: make_forms_agree(c, block=0), capsys)
    assert not ok and "the reset gate's block (the first H rows) changed" in out


def test_forms_agree_by_holding_the_reset_gate(capsys):
    def held(cell):
        cell = copy.deepcopy(cell)
        with torch.no_grad():
            cell.bias[: cell.hidden_size] = 50.0
        return cell

    ok, out = check(lt.exercises.check_make_forms_agree, held, capsys)
    assert not ok and "the reset gate is held at r_t = 1" in out


def test_forms_agree_with_w_hn_zeroed(capsys):
    ok, out = check(lt.exercises.check_make_forms_agree, lambda c: make_forms_agree(c, zero=True), capsys)
    assert not ok and "W_hn set to zero: keep its diagonal" in out


def test_forms_agree_returning_something_else(capsys):
    ok, out = check(lt.exercises.check_make_forms_agree, lambda c: c.weight_h, capsys)
    assert not ok and "should return an lt.GRUCell" in out


# -- rnn_from_gru ----------------------------------------------------------------------------------------


def rnn_from_gru(gru, *, block=2, bias="both", transpose=False):
    H = gru.hidden_size
    rows = slice(block * H, (block + 1) * H)
    rnn = lt.RNNCell(gru.input_size, H).double()
    b = {"both": gru.bias[rows] + gru.bias_h[rows], "input": gru.bias[rows]}[bias]
    with torch.no_grad():
        rnn.weight_x.copy_(gru.weight_x[rows])
        rnn.weight_h.copy_(gru.weight_h[rows].T if transpose else gru.weight_h[rows])
        rnn.bias.copy_(b)
    return rnn


def test_rnn_from_gru_passes(capsys):
    ok, out = check(lt.exercises.check_rnn_from_gru, rnn_from_gru, capsys)
    assert ok and out.startswith("✓"), out


def test_rnn_from_gru_starter_is_not_implemented(capsys):
    def starter(gru):
        raise NotImplementedError

    ok, out = check(lt.exercises.check_rnn_from_gru, starter, capsys)
    assert not ok and "not implemented yet" in out


def test_rnn_from_gru_without_b_hn(capsys):
    ok, out = check(lt.exercises.check_rnn_from_gru, lambda g: rnn_from_gru(g, bias="input"), capsys)
    assert not ok and "the RNN's bias is b_in + b_hn" in out


def test_rnn_from_gru_with_the_reset_rows(capsys):
    ok, out = check(lt.exercises.check_rnn_from_gru, lambda g: rnn_from_gru(g, block=0), capsys)
    assert not ok and "the reset gate's rows (the first block)" in out


def test_rnn_from_gru_with_a_transposed_weight(capsys):
    ok, out = check(lt.exercises.check_rnn_from_gru, lambda g: rnn_from_gru(g, transpose=True), capsys)
    assert not ok and "a transposed hidden weight" in out


def test_rnn_from_gru_returning_a_gru(capsys):
    ok, out = check(lt.exercises.check_rnn_from_gru, lambda g: g, capsys)
    assert not ok and "should return an lt.RNNCell, got a GRUCell" in out


# -- matched_lstm_units ----------------------------------------------------------------------------------


def matched_lstm_units(input_size, gru_hidden):
    budget = 3 * (gru_hidden * (input_size + gru_hidden) + 2 * gru_hidden)
    H = 1
    while 4 * ((H + 1) * (input_size + H + 1) + 2 * (H + 1)) <= budget:
        H += 1
    return H


def test_matched_units_pass(capsys):
    ok, out = check(lt.exercises.check_matched_lstm_units, matched_lstm_units, capsys)
    assert ok and out.startswith("✓"), out


def test_matched_units_starter_is_not_implemented(capsys):
    def starter(input_size, gru_hidden):
        raise NotImplementedError

    ok, out = check(lt.exercises.check_matched_lstm_units, starter, capsys)
    assert not ok and "not implemented yet" in out


def test_matched_units_with_the_books_lstm_count(capsys):
    def wrong(input_size, gru_hidden):
        budget = 3 * (gru_hidden * (input_size + gru_hidden) + 2 * gru_hidden)
        return max(h for h in range(1, 1000) if 4 * (h * (input_size + h) + h) <= budget)

    ok, out = check(lt.exercises.check_matched_lstm_units, wrong, capsys)
    assert not ok and "the book's LSTMCell count" in out


def test_matched_units_strictly_fewer(capsys):
    def wrong(input_size, gru_hidden):
        budget = 3 * (gru_hidden * (input_size + gru_hidden) + 2 * gru_hidden)
        return max(h for h in range(1, 1000) if 4 * (h * (input_size + h) + 2 * h) < budget)

    ok, out = check(lt.exercises.check_matched_lstm_units, wrong, capsys)
    assert not ok and "< where <= belongs" in out


def test_matched_units_off_by_one(capsys):
    ok, out = check(lt.exercises.check_matched_lstm_units, lambda i, h: matched_lstm_units(i, h) + 1, capsys)
    assert not ok and "an off-by-one" in out


def test_matched_units_as_three_quarters(capsys):
    ok, out = check(lt.exercises.check_matched_lstm_units, lambda i, h: int(0.75 * h), capsys)
    assert not ok and "the ratio 3/4 holds for parameter counts" in out
