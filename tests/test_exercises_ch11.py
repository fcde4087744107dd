"""The checkers of chapter 11's exercises: right answers, however written, pass; wrong ones are refused,
with the mistake named where the checker knows it; nothing raises; one line is printed."""

import pytest
import torch

import lstm_tutorial as lt


def run(checker, fn, capsys):
    ok = checker(fn)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.endswith("\n"), out  # exactly one printed line
    assert out.startswith("✓" if ok else "✗"), out
    return ok, out


# -- peephole_step -----------------------------------------------------------------------------------------


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


def through_the_package(x_t, h_prev, c_prev, W_x, W_h, b, p_i, p_f, p_o):
    cell = lt.PeepholeLSTMCell(W_x.shape[1], W_h.shape[1]).double()
    with torch.no_grad():
        for name, value in dict(weight_x=W_x, weight_h=W_h, bias=b, p_i=p_i, p_f=p_f, p_o=p_o).items():
            getattr(cell, name).copy_(value)
        return cell(x_t, (h_prev, c_prev))


def in_float32(*args):
    h, c = peephole_step(*(a.float() for a in args))
    return h, c


def with_einsum(x_t, h_prev, c_prev, W_x, W_h, b, p_i, p_f, p_o):
    z = torch.einsum("bi,gi->bg", x_t, W_x) + torch.einsum("bh,gh->bg", h_prev, W_h) + b
    H = h_prev.shape[1]
    i, f, g, o = (z[:, k * H:(k + 1) * H] for k in range(4))
    f_t = torch.sigmoid(f + p_f * c_prev)
    i_t = torch.sigmoid(i + p_i * c_prev)
    c_t = i_t * torch.tanh(g) + f_t * c_prev  # the other order of the sum
    return [torch.sigmoid(o + p_o * c_t) * torch.tanh(c_t), c_t]  # a list, not a tuple


def one_unit_at_a_time(x_t, h_prev, c_prev, W_x, W_h, b, p_i, p_f, p_o):
    H = h_prev.shape[1]
    xh = torch.cat([x_t, h_prev], dim=1)
    W = torch.cat([W_x, W_h], dim=1)  # the concatenated form, W . [x, h]
    hs, cs = [], []
    for j in range(H):
        row = lambda k, j=j: xh @ W[k * H + j] + b[k * H + j]  # noqa: E731
        c_old = c_prev[:, j]
        i_t = torch.sigmoid(row(0) + p_i[j] * c_old)
        f_t = torch.sigmoid(row(1) + p_f[j] * c_old)
        c_t = f_t * c_old + i_t * torch.tanh(row(2))
        hs.append(torch.sigmoid(row(3) + p_o[j] * c_t) * torch.tanh(c_t))
        cs.append(c_t)
    return torch.stack(hs, dim=1), torch.stack(cs, dim=1)


@pytest.mark.parametrize("answer", [peephole_step, through_the_package, in_float32, with_einsum,
                                    one_unit_at_a_time])
def test_right_steps_pass(answer, capsys):
    ok, out = run(lt.exercises.check_peephole_step, answer, capsys)
    assert ok, out


def test_the_step_starter_is_not_implemented(capsys):
    def starter(x_t, h_prev, c_prev, W_x, W_h, b, p_i, p_f, p_o):
        raise NotImplementedError

    ok, out = run(lt.exercises.check_peephole_step, starter, capsys)
    assert not ok and "not implemented yet" in out


def plain_lstm(x_t, h_prev, c_prev, W_x, W_h, b, p_i, p_f, p_o):
    zero = torch.zeros_like(p_i)
    return peephole_step(x_t, h_prev, c_prev, W_x, W_h, b, zero, zero, zero)


def without_tanh(x_t, h_prev, c_prev, W_x, W_h, b, p_i, p_f, p_o):
    h_t, c_t = peephole_step(x_t, h_prev, c_prev, W_x, W_h, b, p_i, p_f, p_o)
    return h_t / torch.tanh(c_t) * c_t, c_t


def outside_the_sigmoid(x_t, h_prev, c_prev, W_x, W_h, b, p_i, p_f, p_o):
    i, f, g, o = (x_t @ W_x.T + h_prev @ W_h.T + b).chunk(4, dim=1)
    i_t, f_t = torch.sigmoid(i) + p_i * c_prev, torch.sigmoid(f) + p_f * c_prev
    c_t = f_t * c_prev + i_t * torch.tanh(g)
    return (torch.sigmoid(o) + p_o * c_t) * torch.tanh(c_t), c_t


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (lambda *a: peephole_step(*a, o_sees="old"), "the output gate looking at the old C_{t-1} instead of the new"),
        (lambda *a: peephole_step(*a, if_see="h"), "looking at h_{t-1} where C_{t-1} belongs"),
        (lambda *a: peephole_step(*a, swap=True), "p_i and p_f swapped"),
        (plain_lstm, "no peepholes at all"),
        (without_tanh, "without the tanh of the cell state"),
        (outside_the_sigmoid, "the peephole term added outside the sigmoid"),
        (lambda *a: peephole_step(*a)[::-1], "(c_t, h_t) returned in place of (h_t, c_t)"),
    ],
)
def test_wrong_steps_are_named(answer, phrase, capsys):
    ok, out = run(lt.exercises.check_peephole_step, answer, capsys)
    assert not ok and phrase in out, out


def test_every_known_step_mistake_is_named(capsys):
    # the checker's own mistake models, each given as an answer
    from lstm_tutorial.exercises import ch11

    variants = [dict(seen_by_o="c_prev"), dict(seen_by_if="h_prev"), dict(seen_by_if="none", seen_by_o="none"),
                dict(seen_by_o="none"), dict(seen_by_if="none"), dict(swap_if=True), dict(inside=False),
                dict(order="ifog"), dict(squash=False), dict(g_act=torch.sigmoid)]
    for kw in variants:
        ok, out = run(lt.exercises.check_peephole_step, lambda *a, kw=kw: ch11._peephole_step(*a, **kw), capsys)
        assert not ok and "It matches what you get with" in out, (kw, out)


def test_a_step_that_writes_into_c_prev_is_refused(capsys):
    def in_place(x_t, h_prev, c_prev, W_x, W_h, b, p_i, p_f, p_o):
        h_t, c_t = peephole_step(x_t, h_prev, c_prev, W_x, W_h, b, p_i, p_f, p_o)
        c_prev.copy_(c_t)  # "update the state"
        return h_t, c_prev

    ok, out = run(lt.exercises.check_peephole_step, in_place, capsys)
    assert not ok and "changes c_prev in place" in out, out


def test_a_squeezed_result_is_refused_at_batch_1(capsys):
    ok, out = run(lt.exercises.check_peephole_step, lambda *a: tuple(t.squeeze() for t in peephole_step(*a)), capsys)
    assert not ok and "should have shape [1, 3]" in out, out


@pytest.mark.parametrize(("answer", "phrase"), [
    (lambda *a: None, "should be a tuple of 2 items"),
    (lambda *a: peephole_step(*a)[0], "should be a tuple of 2 items"),
    (lambda *a: 1 / 0, "raised ZeroDivisionError"),
    (lambda x_t: x_t, "raised TypeError"),
])
def test_broken_steps_do_not_crash_the_checker(answer, phrase, capsys):
    ok, out = run(lt.exercises.check_peephole_step, answer, capsys)
    assert not ok and phrase in out, out


# -- peephole_sizes ----------------------------------------------------------------------------------------


def peephole_sizes(peepholes):
    return peepholes.abs().amax(dim=(1, 2))


@pytest.mark.parametrize("answer", [
    peephole_sizes,
    lambda p: torch.stack([row.abs().max() for row in p]),
    lambda p: p.detach().abs().flatten(1).max(dim=1).values,
    lambda p: p.abs().amax(dim=2).squeeze(1),
    lambda p: p.float().abs().amax(dim=(1, 2)),
    lambda p: torch.maximum(p.amax(dim=(1, 2)), -p.amin(dim=(1, 2))),
])
def test_right_sizes_pass(answer, capsys):
    ok, out = run(lt.exercises.check_peephole_sizes, answer, capsys)
    assert ok, out


def test_the_sizes_starter_is_not_implemented(capsys):
    def starter(peepholes):
        raise NotImplementedError

    ok, out = run(lt.exercises.check_peephole_sizes, starter, capsys)
    assert not ok and "not implemented yet" in out


@pytest.mark.parametrize(("answer", "phrase"), [
    (lambda p: p.amax(dim=(1, 2)), "without the absolute value"),
    (lambda p: p.amin(dim=(1, 2)).abs(), "the absolute value of the smallest signed value"),
    (lambda p: p.abs().mean(dim=(1, 2)), "the mean of |p| where the largest belongs"),
    (lambda p: p.abs().amin(dim=(1, 2)), "the smallest |p| where the largest belongs"),
    (lambda p: p.abs().sum(dim=(1, 2)), "the sum of |p| where the largest belongs"),
    (lambda p: p.norm(dim=(1, 2)), "the length (norm) of each vector"),
    (lambda p: p.abs().amax(dim=0), "should have shape [3]"),
    (lambda p: p.abs().max(), "should have shape [3]"),
    (lambda p: [row.abs().max().item() for row in p], "should be a tensor of shape [3], got a list of 3 items"),
    (lambda p: p.squeeze().abs().amax(dim=1), "raised IndexError"),  # breaks at H = 1
    (lambda p: p.abs_().amax(dim=(1, 2)), "changes p in place"),
])
def test_wrong_sizes_are_refused(answer, phrase, capsys):
    ok, out = run(lt.exercises.check_peephole_sizes, answer, capsys)
    assert not ok and phrase in out, out


def test_the_checkers_leave_the_global_seed_alone(capsys):
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    lt.exercises.check_peephole_step(peephole_step)
    lt.exercises.check_peephole_sizes(peephole_sizes)
    capsys.readouterr()
    assert torch.equal(torch.rand(3), expected)
