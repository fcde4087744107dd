"""Checkers for the exercises of chapter 11 (peephole connections)."""

from __future__ import annotations

import torch

from ._harness import case, check_function, guarded

__all__ = ["check_peephole_sizes", "check_peephole_step"]


def _peephole_step(x_t, h_prev, c_prev, W_x, W_h, b, p_i, p_f, p_o, *,
                   order="ifgo", seen_by_if="c_prev", seen_by_o="c_t", inside=True, swap_if=False,
                   squash=True, g_act=torch.tanh):
    z = x_t @ W_x.T + h_prev @ W_h.T + b
    parts = dict(zip(order, z.chunk(4, dim=1), strict=True))
    if swap_if:
        p_i, p_f = p_f, p_i
    seen = {"c_prev": c_prev, "h_prev": h_prev, "none": torch.zeros_like(c_prev)}[seen_by_if]

    def gate(name, p, view):
        return torch.sigmoid(parts[name] + p * view) if inside else torch.sigmoid(parts[name]) + p * view

    i_t = gate("i", p_i, seen)
    f_t = gate("f", p_f, seen)
    g_t = g_act(parts["g"])
    c_t = f_t * c_prev + i_t * g_t
    view_o = {"c_t": c_t, "c_prev": c_prev, "none": torch.zeros_like(c_t)}[seen_by_o]
    o_t = gate("o", p_o, view_o)
    h_t = o_t * (torch.tanh(c_t) if squash else c_t)
    return h_t, c_t


def _step_cases():
    gen = torch.Generator().manual_seed(11)
    cases = []
    for batch, inputs, hidden in [(1, 2, 3), (2, 3, 4), (4, 1, 2), (3, 2, 1)]:
        def r(*shape):
            return torch.randn(*shape, generator=gen, dtype=torch.float64)

        # a cell state well away from zero, so that every peephole term shows
        cases.append(case(r(batch, inputs), r(batch, hidden), 2 * r(batch, hidden),
                          r(4 * hidden, inputs), r(4 * hidden, hidden), r(4 * hidden),
                          r(hidden), r(hidden), r(hidden)))
    return cases


@guarded
def check_peephole_step(peephole_step) -> bool:
    """Check ``peephole_step(x_t, h_prev, c_prev, W_x, W_h, b, p_i, p_f, p_o) -> (h_t, c_t)``."""
    return check_function(
        peephole_step,
        _peephole_step,
        _step_cases(),
        name="peephole_step",
        outputs=("h_t", "c_t"),
        mistakes=[
            (lambda *a: _peephole_step(*a, seen_by_o="c_prev"),
             "the output gate looking at the old C_{t-1} instead of the new C_t"),
            (lambda *a: _peephole_step(*a, seen_by_if="h_prev"),
             "the forget and input gates looking at h_{t-1} where C_{t-1} belongs"),
            (lambda *a: _peephole_step(*a, seen_by_if="none", seen_by_o="none"),
             "no peepholes at all (a plain LSTM step)"),
            (lambda *a: _peephole_step(*a, seen_by_o="none"), "the output gate's peephole left out"),
            (lambda *a: _peephole_step(*a, seen_by_if="none"), "the forget and input gates' peepholes left out"),
            (lambda *a: _peephole_step(*a, swap_if=True), "p_i and p_f swapped"),
            (lambda *a: _peephole_step(*a, inside=False), "the peephole term added outside the sigmoid"),
            (lambda *a: _peephole_step(*a, order="ifog"),
             "the layers taken in the order i, f, o, g instead of i, f, g, o"),
            (lambda *a: _peephole_step(*a, squash=False), "h_t = o_t * C_t, without the tanh of the cell state"),
            (lambda *a: _peephole_step(*a, g_act=torch.sigmoid), "a sigmoid where the candidate's tanh belongs"),
            (lambda *a: _peephole_step(*a, seen_by_if="h_prev", seen_by_o="none"),
             "the gates looking at h_{t-1} and the output gate's peephole left out"),
            (lambda *a: _peephole_step(*a)[::-1], "(c_t, h_t) returned in place of (h_t, c_t)"),
        ],
    )


def _peephole_sizes(peepholes):
    return peepholes.abs().amax(dim=(1, 2))


def _sizes_cases():
    gen = torch.Generator().manual_seed(111)
    return [case(torch.randn(3, 1, hidden, generator=gen, dtype=torch.float64)) for hidden in (8, 5, 1)]


@guarded
def check_peephole_sizes(peephole_sizes) -> bool:
    """Check ``peephole_sizes(peepholes) -> [max |p_i|, max |p_f|, max |p_o|]``, peepholes of shape (3, 1, H)."""
    return check_function(
        peephole_sizes,
        _peephole_sizes,
        _sizes_cases(),
        name="peephole_sizes",
        mistakes=[
            (lambda p: p.amax(dim=(1, 2)), "the largest signed value, without the absolute value"),
            (lambda p: p.amin(dim=(1, 2)).abs(), "the absolute value of the smallest signed value"),
            (lambda p: p.abs().mean(dim=(1, 2)), "the mean of |p| where the largest belongs"),
            (lambda p: p.abs().amin(dim=(1, 2)), "the smallest |p| where the largest belongs"),
            (lambda p: p.abs().sum(dim=(1, 2)), "the sum of |p| where the largest belongs"),
            (lambda p: p.pow(2).sum(dim=(1, 2)).sqrt(),
             "the length (norm) of each vector where its largest entry belongs"),
        ],
    )
