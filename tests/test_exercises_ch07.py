"""The checker of chapter 7's exercise accepts the answer and names the typical mistakes."""

import torch

import lstm_tutorial as lt


def written_amount(cell, x):
    with lt.record_gates(cell) as gates, torch.no_grad():
        lt.unroll(cell, x)
    return gates["i"] * gates["g"]


def by_hand(cell, x, *, candidate=torch.tanh, order="ifgo"):
    W_x, W_h, b = cell.weight_x.detach(), cell.weight_h.detach(), cell.bias.detach()
    h = x.new_zeros(x.shape[0], cell.hidden_size)
    c = torch.zeros_like(h)
    written = []
    for x_t in x.unbind(1):
        parts = dict(zip(order, (x_t @ W_x.T + h @ W_h.T + b).chunk(4, dim=1), strict=True))
        i_t, f_t, o_t = (torch.sigmoid(parts[k]) for k in "ifo")
        g_t = candidate(parts["g"])
        c = f_t * c + i_t * g_t
        h = o_t * torch.tanh(c)
        written.append(i_t * g_t)
    return torch.stack(written, dim=1)


def check(fn, capsys):
    ok = lt.exercises.check_written_amount(fn)
    return ok, capsys.readouterr().out


def test_the_answers_pass(capsys):
    for answer in (written_amount, by_hand):
        ok, out = check(answer, capsys)
        assert ok and out.startswith("✓"), out


def test_the_starter_is_not_implemented(capsys):
    def starter(cell, x):
        raise NotImplementedError

    ok, out = check(starter, capsys)
    assert not ok and "not implemented yet" in out


def test_the_forget_gate_in_place_of_the_input_gate(capsys):
    def wrong(cell, x):
        with lt.record_gates(cell) as gates, torch.no_grad():
            lt.unroll(cell, x)
        return gates["f"] * gates["g"]

    ok, out = check(wrong, capsys)
    assert not ok and "the forget gate f_t where the input gate i_t belongs" in out


def test_the_cell_state_in_place_of_the_candidate(capsys):
    def wrong(cell, x):
        with lt.record_gates(cell) as gates, torch.no_grad():
            lt.unroll(cell, x)
        return gates["i"] * gates["c"]

    ok, out = check(wrong, capsys)
    assert not ok and "the cell state C_t where the candidate" in out


def test_a_sigmoid_candidate(capsys):
    ok, out = check(lambda cell, x: by_hand(cell, x, candidate=torch.sigmoid), capsys)
    assert not ok and "a sigmoid where the candidate's tanh belongs" in out


def test_the_rows_in_the_wrong_order(capsys):
    ok, out = check(lambda cell, x: by_hand(cell, x, order="ifog"), capsys)
    assert not ok and "the order is i, f, g, o" in out


def test_one_step_late(capsys):
    def wrong(cell, x):
        w = written_amount(cell, x)
        return torch.cat([torch.zeros_like(w[:, :1]), w[:, :-1]], dim=1)

    ok, out = check(wrong, capsys)
    assert not ok and "shifted by one step" in out


def test_a_single_step_has_the_wrong_shape(capsys):
    ok, out = check(lambda cell, x: written_amount(cell, x)[:, -1], capsys)
    assert not ok and "should have shape" in out
