"""The checker of chapter 7's exercise accepts the answer and names the typical mistakes."""

import pytest
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
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "Traceback" not in out, out
    return ok, out


def step_by_step(cell, x):
    """The cell called one step at a time, each step's gates recorded."""
    state, written = None, []
    for x_t in x.unbind(1):
        with lt.record_gates(cell) as gates, torch.no_grad():
            state = cell(x_t, state)
        written.append(gates["i"][:, 0] * gates["g"][:, 0])
    return torch.stack(written, dim=1)


def in_float32(cell, x):
    W_x, W_h, b = (p.detach().float() for p in (cell.weight_x, cell.weight_h, cell.bias))
    h = torch.zeros(x.shape[0], cell.hidden_size)
    c = torch.zeros_like(h)
    written = []
    for x_t in x.float().unbind(1):
        i, f, g, o = (x_t @ W_x.T + h @ W_h.T + b).chunk(4, dim=1)
        i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
        c = f * c + i * g
        h = o * torch.tanh(c)
        written.append(i * g)
    return torch.stack(written, dim=1)


def as_list_of_steps_stacked(cell, x):
    with lt.record_gates(cell) as gates, torch.no_grad():
        lt.unroll(cell, x)
    return torch.stack([gates["i"][:, t] * gates["g"][:, t] for t in range(x.shape[1])], dim=1)


@pytest.mark.parametrize("answer", [written_amount, by_hand, step_by_step, in_float32, as_list_of_steps_stacked])
def test_right_answers_pass(capsys, answer):
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


def by_hand_variant(cell, x, *, carry_h=True, carry_c=True, result="written"):
    W_x, W_h, b = cell.weight_x.detach(), cell.weight_h.detach(), cell.bias.detach()
    h = x.new_zeros(x.shape[0], cell.hidden_size)
    c = torch.zeros_like(h)
    out = []
    for x_t in x.unbind(1):
        h = h if carry_h else torch.zeros_like(h)
        c = c if carry_c else torch.zeros_like(c)
        i, f, g, o = (x_t @ W_x.T + h @ W_h.T + b).chunk(4, dim=1)
        i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
        kept = f * c
        c = kept + i * g
        h = o * torch.tanh(c)
        out.append({"written": i * g, "c": c, "h": h, "kept": kept}[result])
    return torch.stack(out, dim=1)


@pytest.mark.parametrize(("options", "phrase"), [
    ({"carry_c": False}, "the cell state reset to 0 at every step"),
    ({"carry_h": False}, "every step computed from a zero state"),
    ({"result": "c"}, "the new cell state C_t itself"),
    ({"result": "h"}, "the hidden states h_t"),
    ({"result": "kept"}, "f_t * C_{t-1}, what is kept"),
])
def test_more_mistakes_are_named(capsys, options, phrase):
    ok, out = check(lambda cell, x: by_hand_variant(cell, x, **options), capsys)
    assert not ok and phrase in out, out


def test_one_step_early(capsys):
    def wrong(cell, x):
        w = written_amount(cell, x)
        return torch.cat([w[:, 1:], torch.zeros_like(w[:, :1])], dim=1)

    ok, out = check(wrong, capsys)
    assert not ok and "written at t + 1" in out, out


@pytest.mark.parametrize("wrong", [
    lambda cell, x: written_amount(cell, x).squeeze(),  # a batch of 1, or one unit, loses its axis
    lambda cell, x: written_amount(cell, x[:1]).expand(x.shape[0], -1, -1),  # the first sequence only
    lambda cell, x: written_amount(cell, x).abs(),
    lambda cell, x: written_amount(cell, x).transpose(0, 1),
    lambda cell, x: [written_amount(cell, x)[:, t] for t in range(x.shape[1])],
    lambda cell, x: None,
])
def test_other_wrong_answers_are_refused(capsys, wrong):
    ok, out = check(wrong, capsys)
    assert not ok and out.startswith("✗"), out


def test_an_answer_that_changes_the_cell_is_refused(capsys):
    def in_place(cell, x):
        w = written_amount(cell, x)
        with torch.no_grad():
            cell.weight_h.zero_()
        return w

    ok, out = check(in_place, capsys)
    assert not ok and "in place" in out and "weight_h" in out, out


def test_an_answer_that_changes_x_is_refused(capsys):
    def in_place(cell, x):
        w = written_amount(cell, x)
        x.zero_()
        return w

    ok, out = check(in_place, capsys)
    assert not ok and "in place" in out, out


def test_a_float32_state_gets_a_dtype_hint(capsys):
    def float32_state(cell, x):
        h = torch.zeros(x.shape[0], cell.hidden_size)
        return (x[:, :1] @ cell.weight_x.T + h @ cell.weight_h.T).unsqueeze(1)

    ok, out = check(float32_state, capsys)
    assert not ok and "float64" in out, out
