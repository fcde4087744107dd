"""The checker of chapter 9's exercise accepts the answer and names the typical mistakes."""

import pytest
import torch

import lstm_tutorial as lt


def hidden_by_hand(o, c):
    return o * torch.tanh(c)


def check(fn, capsys):
    ok = lt.exercises.check_hidden_by_hand(fn)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "Traceback" not in out, out
    return ok, out


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


def loop_over_steps(o, c):
    return torch.stack([o[:, t] * torch.tanh(c[:, t]) for t in range(o.shape[1])], dim=1)


@pytest.mark.parametrize("answer", [
    loop_over_steps,
    lambda o, c: o * (2 * torch.sigmoid(2 * c) - 1),  # tanh through the sigmoid
    lambda o, c: o * (torch.exp(2 * c) - 1) / (torch.exp(2 * c) + 1),
    lambda o, c: torch.mul(o, c.tanh()),
    lambda o, c: o.float() * torch.tanh(c.float()),  # float32
    lambda o, c: torch.tanh(c) * o,
    lambda o, c: torch.einsum("bth,bth->bth", o, torch.tanh(c)),
], ids=["loop", "via-sigmoid", "via-exp", "method", "float32", "commuted", "einsum"])
def test_right_answers_written_differently_pass(capsys, answer):
    ok, out = check(answer, capsys)
    assert ok and out.startswith("✓"), out


@pytest.mark.parametrize(("wrong", "phrase"), [
    (lambda o, c: o * torch.tanh(torch.cat([c[:, 1:], torch.zeros_like(c[:, :1])], dim=1)), "C_{t+1}"),
    (lambda o, c: torch.tanh(o) * torch.tanh(c), "a tanh on the output gate as well"),
    (lambda o, c: o * torch.clamp(c, -1, 1), "clipped to [-1, 1]"),
    (lambda o, c: (1 - o) * torch.tanh(c), "1 - o_t"),
    (lambda o, c: torch.tanh(c), "the output gate left out"),
    (lambda o, c: o + torch.tanh(c), "a sum"),
])
def test_more_mistakes_are_named(capsys, wrong, phrase):
    ok, out = check(wrong, capsys)
    assert not ok and phrase in out, out


@pytest.mark.parametrize("wrong", [
    lambda o, c: (o * torch.tanh(c)).squeeze(),  # a batch of 1 with one unit loses its axes
    lambda o, c: (o * torch.tanh(c))[:, :, :1],
    lambda o, c: (o * torch.tanh(c)).transpose(0, 1),
    lambda o, c: (o * torch.tanh(c)).tolist(),
    lambda o, c: None,
    lambda o, c: o[:, -1] * torch.tanh(c[:, -1]),
])
def test_other_wrong_answers_are_refused(capsys, wrong):
    ok, out = check(wrong, capsys)
    assert not ok and out.startswith("✗"), out


def test_an_answer_that_changes_its_inputs_is_refused(capsys):
    def in_place(o, c):
        return o * c.tanh_()

    ok, out = check(in_place, capsys)
    assert not ok and "in place" in out and "c" in out, out


def test_a_float32_tensor_of_its_own_is_a_right_answer(capsys):
    def own_zeros(o, c):
        h = torch.zeros(o.shape)  # float32: the values are still right to float32 precision
        h[:] = o * torch.tanh(c)
        return h

    ok, out = check(own_zeros, capsys)
    assert ok, out
