"""The checker of chapter 12's exercise: right constructions, however written, pass; wrong ones are refused,
with the mistake named where the checker knows it; nothing raises; one line is printed."""

import pytest
import torch
from torch import nn

import lstm_tutorial as lt
from lstm_tutorial.exercises import ch12


def run(fn, capsys):
    ok = lt.exercises.check_lstm_from_coupled(fn)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.endswith("\n"), out  # exactly one printed line
    assert out.startswith("✓" if ok else "✗"), out
    return ok, out


def lstm_from_coupled(coupled, *, input_rows=lambda f: -f, order="ifgo", negate_bias=True, dtype=torch.float64):
    lstm = lt.LSTMCell(coupled.input_size, coupled.hidden_size).to(dtype)
    with torch.no_grad():
        for name in ("weight_x", "weight_h", "bias"):
            f, g, o = getattr(coupled, name).chunk(3, dim=0)
            i = input_rows(f) if (negate_bias or name != "bias") else f
            blocks = dict(i=i, f=f, g=g, o=o)
            getattr(lstm, name).copy_(torch.cat([blocks[k] for k in order]))
    return lstm


def through_nn_lstmcell(coupled):
    """An nn.LSTMCell doing the work: two bias vectors, the second zero."""
    module = nn.LSTMCell(coupled.input_size, coupled.hidden_size, dtype=coupled.weight_h.dtype)
    with torch.no_grad():
        for ours, theirs in (("weight_x", "weight_ih"), ("weight_h", "weight_hh"), ("bias", "bias_ih")):
            f, g, o = getattr(coupled, ours).chunk(3)
            getattr(module, theirs).copy_(torch.cat([-f, f, g, o]))
        module.bias_hh.zero_()
    return module


def through_nn_lstm_with_split_biases(coupled):
    """A one-layer nn.LSTM, the bias shared out between its two vectors."""
    module = nn.LSTM(coupled.input_size, coupled.hidden_size, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        for ours, theirs in (("weight_x", "weight_ih_l0"), ("weight_h", "weight_hh_l0")):
            f, g, o = getattr(coupled, ours).chunk(3)
            getattr(module, theirs).copy_(torch.cat([-f, f, g, o]))
        f, g, o = coupled.bias.chunk(3)
        module.bias_ih_l0.copy_(torch.cat([-f, f, g, o]) / 2)
        module.bias_hh_l0.copy_(torch.cat([-f, f, g, o]) / 2)
    return module


def by_rows(coupled):
    """Row slices instead of chunk, new Parameters instead of copy_."""
    H = coupled.hidden_size
    lstm = lt.LSTMCell(coupled.input_size, H).double()
    for name in ("weight_x", "weight_h", "bias"):
        w = getattr(coupled, name).detach().clone()
        setattr(lstm, name, nn.Parameter(torch.cat([-w[:H], w[:H], w[H:2 * H], w[2 * H:]])))
    return lstm


def via_state_dict(coupled):
    f_x, g_x, o_x = coupled.weight_x.detach().chunk(3)
    f_h, g_h, o_h = coupled.weight_h.detach().chunk(3)
    f_b, g_b, o_b = coupled.bias.detach().chunk(3)
    lstm = lt.LSTMCell(coupled.input_size, coupled.hidden_size).to(torch.float64)
    lstm.load_state_dict({"weight_x": torch.cat([-f_x, f_x, g_x, o_x]), "weight_h": torch.cat([-f_h, f_h, g_h, o_h]),
                          "bias": torch.cat([-f_b, f_b, g_b, o_b])})
    return lstm


@pytest.mark.parametrize("answer", [lstm_from_coupled, through_nn_lstmcell, through_nn_lstm_with_split_biases,
                                    by_rows, via_state_dict])
def test_right_constructions_pass(answer, capsys):
    ok, out = run(answer, capsys)
    assert ok, out


def test_the_starter_is_not_implemented(capsys):
    def starter(coupled):
        raise NotImplementedError

    ok, out = run(starter, capsys)
    assert not ok and "not implemented yet" in out


@pytest.mark.parametrize(("answer", "phrase"), [
    (lambda c: lstm_from_coupled(c, input_rows=lambda f: f), "without negating them"),
    (lambda c: lstm_from_coupled(c, negate_bias=False), "its bias copied as it was"),
    (lambda c: lstm_from_coupled(c, order="figo"), "the LSTM's order is i, f, g, o"),
    (lambda c: lstm_from_coupled(c, input_rows=lambda f: 0 * f), "the input gate's rows set to zero"),
    (lambda c: lstm_from_coupled(c, input_rows=lambda f: 1 - f), "the rows 1 - W_f in the input gate"),
    (lambda c: lstm_from_coupled(c, order="ifog"), "the candidate's and the output gate's blocks swapped"),
])
def test_wrong_constructions_are_named(answer, phrase, capsys):
    ok, out = run(answer, capsys)
    assert not ok and phrase in out, out


@pytest.mark.parametrize(("wrong", "phrase"), ch12._COUPLED_MISTAKES,
                         ids=lambda v: v[:30] if isinstance(v, str) else "")
def test_every_known_mistake_is_named(wrong, phrase, capsys):
    ok, out = run(wrong, capsys)
    assert not ok and phrase in out, out


def with_peepholes_closed(coupled):
    cell = lt.PeepholeLSTMCell(coupled.input_size, coupled.hidden_size).double()
    with torch.no_grad():
        cell.load_state_dict(lstm_from_coupled(coupled).state_dict(), strict=False)
        for p in (cell.p_i, cell.p_f, cell.p_o):
            p.zero_()
    return cell


def with_its_step_replaced(coupled):
    lstm = lt.LSTMCell(coupled.input_size, coupled.hidden_size).double()
    lstm.step = coupled.step  # not an LSTM at all
    return lstm


def writing_into_the_coupled_cell(coupled):
    with torch.no_grad():
        coupled.bias.zero_()
    return lstm_from_coupled(coupled)


@pytest.mark.parametrize(("answer", "phrase"), [
    (lambda c: c, "should return an lt.LSTMCell, got an lt.CoupledLSTMCell"),
    (with_peepholes_closed, "should return an lt.LSTMCell, got an lt.PeepholeLSTMCell"),
    (lambda c: nn.GRUCell(c.input_size, c.hidden_size), "should return an lt.LSTMCell, got a torch.nn.GRUCell"),
    (lambda c: nn.LSTM(c.input_size, c.hidden_size, num_layers=2), "a torch.nn.LSTM that cannot stand for"),
    (lambda c: lstm_from_coupled(c, dtype=torch.float32), "should return a cell in torch.float64"),
    (lambda c: lt.LSTMCell(c.input_size, 2 * c.hidden_size).double(), "hidden_size=4"),
    (lambda c: lt.LSTMCell(c.input_size, c.hidden_size, bias=False).double(), "whose bias is None"),
    (with_its_step_replaced, "whose `step` was replaced"),
    (writing_into_the_coupled_cell, "changes the cell it was given in place (its bias)"),
    (lambda c: None, "got None"),
    (lambda c: (lstm_from_coupled(c),), "got a tuple of 1 item"),
    (lambda c: c.no_such_thing, "raised AttributeError"),
])
def test_other_wrong_answers_are_refused_without_a_crash(answer, phrase, capsys):
    ok, out = run(answer, capsys)
    assert not ok and phrase in out, out


def test_a_cell_that_breaks_when_run_is_reported(capsys):
    def broken(coupled):
        lstm = lstm_from_coupled(coupled)
        with torch.no_grad():
            lstm.weight_h.data = torch.zeros(2, 2, dtype=torch.float64)  # no longer (4H, H)
        return lstm

    ok, out = run(broken, capsys)
    assert not ok and "weight_h has shape [2, 2]" in out, out


def test_the_checker_leaves_the_global_seed_alone(capsys):
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    lt.exercises.check_lstm_from_coupled(lstm_from_coupled)
    capsys.readouterr()
    assert torch.equal(torch.rand(3), expected)
