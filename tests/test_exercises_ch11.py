"""The checkers of chapter 11's exercises accept the answers and name the typical mistakes."""

import pytest
import torch

import lstm_tutorial as lt


def peephole_step(x_t, h_prev, c_prev, W_x, W_h, b, p_i, p_f, p_o, *, o_sees="new", if_see="c", swap=False):
    z = x_t @ W_x.T + h_prev @ W_h.T + b
    i, f, g, o = z.chunk(4, dim=1)
    if swap:
        p_i, p_f = p_f, p_i
    seen = c_prev if if_see == "c" else h_prev
    i_t = torch.sigmoid(i + p_i * seen)
    f_t = torch.sigmoid(f + p_f * seen)
    g_t = torch.tanh(g)
    c_t = f_t * c_prev + i_t * g_t
    o_t = torch.sigmoid(o + p_o * (c_t if o_sees == "new" else c_prev))
    return o_t * torch.tanh(c_t), c_t


def check_step(fn, capsys):
    ok = lt.exercises.check_peephole_step(fn)
    return ok, capsys.readouterr().out


def test_the_step_passes(capsys):
    ok, out = check_step(peephole_step, capsys)
    assert ok and out.startswith("✓"), out


def test_the_step_agrees_with_the_package(capsys):
    def through_the_package(x_t, h_prev, c_prev, W_x, W_h, b, p_i, p_f, p_o):
        cell = lt.PeepholeLSTMCell(W_x.shape[1], W_h.shape[1]).double()
        with torch.no_grad():
            for name, value in dict(weight_x=W_x, weight_h=W_h, bias=b, p_i=p_i, p_f=p_f, p_o=p_o).items():
                getattr(cell, name).copy_(value)
            return cell(x_t, (h_prev, c_prev))

    ok, out = check_step(through_the_package, capsys)
    assert ok, out


def test_the_step_starter_is_not_implemented(capsys):
    def starter(x_t, h_prev, c_prev, W_x, W_h, b, p_i, p_f, p_o):
        raise NotImplementedError

    ok, out = check_step(starter, capsys)
    assert not ok and "not implemented yet" in out


@pytest.mark.parametrize(
    ("variant", "phrase"),
    [
        (dict(o_sees="old"), "the output gate looking at the old C_{t-1} instead of the new C_t"),
        (dict(if_see="h"), "looking at h_{t-1} where C_{t-1} belongs"),
        (dict(swap=True), "p_i and p_f swapped"),
    ],
)
def test_typical_step_mistakes(variant, phrase, capsys):
    ok, out = check_step(lambda *a: peephole_step(*a, **variant), capsys)
    assert not ok and phrase in out, out


def test_a_plain_lstm_step(capsys):
    def plain(x_t, h_prev, c_prev, W_x, W_h, b, p_i, p_f, p_o):
        zero = torch.zeros_like(p_i)
        return peephole_step(x_t, h_prev, c_prev, W_x, W_h, b, zero, zero, zero)

    ok, out = check_step(plain, capsys)
    assert not ok and "no peepholes at all" in out


def peephole_sizes(peepholes):
    return peepholes.abs().amax(dim=(1, 2))


def check_sizes(fn, capsys):
    ok = lt.exercises.check_peephole_sizes(fn)
    return ok, capsys.readouterr().out


def test_the_sizes_pass(capsys):
    ok, out = check_sizes(peephole_sizes, capsys)
    assert ok and out.startswith("✓"), out
    ok, out = check_sizes(lambda p: torch.stack([row.abs().max() for row in p]), capsys)
    assert ok, out


def test_the_sizes_starter_is_not_implemented(capsys):
    def starter(peepholes):
        raise NotImplementedError

    ok, out = check_sizes(starter, capsys)
    assert not ok and "not implemented yet" in out


def test_sizes_without_the_absolute_value(capsys):
    ok, out = check_sizes(lambda p: p.amax(dim=(1, 2)), capsys)
    assert not ok and "without the absolute value" in out


def test_sizes_as_means(capsys):
    ok, out = check_sizes(lambda p: p.abs().mean(dim=(1, 2)), capsys)
    assert not ok and "the mean of |p| where the largest belongs" in out


def test_sizes_over_the_wrong_axis(capsys):
    ok, out = check_sizes(lambda p: p.abs().amax(dim=0), capsys)
    assert not ok and "should have shape [3]" in out
