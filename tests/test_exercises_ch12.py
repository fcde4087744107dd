"""The checker of chapter 12's exercise accepts the construction and names the typical mistakes."""

import torch

import lstm_tutorial as lt


def lstm_from_coupled(coupled, *, input_rows=lambda f: -f, order="ifgo", negate_bias=True, dtype=torch.float64):
    lstm = lt.LSTMCell(coupled.input_size, coupled.hidden_size).to(dtype)
    with torch.no_grad():
        for name in ("weight_x", "weight_h", "bias"):
            f, g, o = getattr(coupled, name).chunk(3, dim=0)
            i = input_rows(f) if (negate_bias or name != "bias") else f
            blocks = dict(i=i, f=f, g=g, o=o)
            getattr(lstm, name).copy_(torch.cat([blocks[k] for k in order]))
    return lstm


def check(fn, capsys):
    ok = lt.exercises.check_lstm_from_coupled(fn)
    return ok, capsys.readouterr().out


def test_the_construction_passes(capsys):
    ok, out = check(lstm_from_coupled, capsys)
    assert ok and out.startswith("✓"), out


def test_the_starter_is_not_implemented(capsys):
    def starter(coupled):
        raise NotImplementedError

    ok, out = check(starter, capsys)
    assert not ok and "not implemented yet" in out


def test_the_forget_rows_not_negated(capsys):
    ok, out = check(lambda c: lstm_from_coupled(c, input_rows=lambda f: f), capsys)
    assert not ok and "without negating them" in out


def test_the_bias_not_negated(capsys):
    ok, out = check(lambda c: lstm_from_coupled(c, negate_bias=False), capsys)
    assert not ok and "its bias copied as it was" in out


def test_the_blocks_in_the_wrong_order(capsys):
    ok, out = check(lambda c: lstm_from_coupled(c, order="figo"), capsys)
    assert not ok and "the LSTM's order is i, f, g, o" in out


def test_returning_the_coupled_cell_itself(capsys):
    ok, out = check(lambda c: c, capsys)
    assert not ok and "should return an lt.LSTMCell, got a CoupledLSTMCell" in out


def test_a_float32_cell(capsys):
    ok, out = check(lambda c: lstm_from_coupled(c, dtype=torch.float32), capsys)
    assert not ok and "torch.float64" in out and "got torch.float32" in out


def test_a_cell_of_the_wrong_size(capsys):
    ok, out = check(lambda c: lt.LSTMCell(c.input_size, 2 * c.hidden_size).double(), capsys)
    assert not ok and "hidden_size=4" in out
