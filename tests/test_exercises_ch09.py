"""The checker of chapter 9's exercise accepts the answer and names the typical mistakes."""

import torch

import lstm_tutorial as lt


def hidden_by_hand(o, c):
    return o * torch.tanh(c)


def check(fn, capsys):
    ok = lt.exercises.check_hidden_by_hand(fn)
    return ok, capsys.readouterr().out


def test_the_answer_passes(capsys):
    ok, out = check(hidden_by_hand, capsys)
    assert ok and out.startswith("✓"), out


def test_the_starter_is_not_implemented(capsys):
    def starter(o, c):
        raise NotImplementedError

    ok, out = check(starter, capsys)
    assert not ok and "not implemented yet" in out


def test_no_tanh_on_the_cell_state(capsys):
    ok, out = check(lambda o, c: o * c, capsys)
    assert not ok and "without the tanh on the cell state" in out


def test_a_sigmoid_on_the_cell_state(capsys):
    ok, out = check(lambda o, c: o * torch.sigmoid(c), capsys)
    assert not ok and "a sigmoid where the tanh on the cell state belongs" in out


def test_the_tanh_after_the_gate(capsys):
    ok, out = check(lambda o, c: torch.tanh(o * c), capsys)
    assert not ok and "tanh(o_t * C_t)" in out


def test_the_previous_cell_state(capsys):
    def wrong(o, c):
        c_prev = torch.cat([torch.zeros_like(c[:, :1]), c[:, :-1]], dim=1)
        return o * torch.tanh(c_prev)

    ok, out = check(wrong, capsys)
    assert not ok and "C_{t-1} where the new C_t belongs" in out


def test_a_wrong_shape(capsys):
    ok, out = check(lambda o, c: (o * torch.tanh(c))[:, -1], capsys)
    assert not ok and "should have shape" in out
