"""Checkers for the exercises of chapter 3 (long-term dependencies)."""

from __future__ import annotations

import copy

import torch

from ..cells.rnn import RNNCell
from ..cells.unroll import unroll
from ..data.tasks import remember_bit
from ._harness import case, check_function, guarded, report
from .ch01 import as_number, built_cell, one_by_one_weights

__all__ = ["check_jacobian_bound", "check_noise_proof_latch"]


# -- ex-latch-by-hand: a one-unit tanh cell that holds a bit through noise ---------------------------------

#: (gap, noise, seed) of the remember_bit runs a latch must pass; 25 is odd, so a latch whose state
#: flips sign at every step ends on the wrong side
_LATCH_RUNS = [(100, 0.0, 30), (100, 1.0, 31), (25, 1.0, 32)]
_LATCH_BATCH = 1000
_LATCH_PASS = 0.99


def latch_accuracy(cell, gap: int, noise: float, seed: int) -> tuple[float, torch.Tensor]:
    """How often the sign of the final state equals the bit, on ``remember_bit`` with these settings;
    and the final states."""
    x, y = remember_bit(_LATCH_BATCH, gap, noise=noise, generator=torch.Generator().manual_seed(seed))
    with torch.no_grad():
        _, h_last = unroll(cell, x.to(cell.weight_h.dtype))
    return ((h_last[:, 0] > 0).double() == y.double()).double().mean().item(), h_last[:, 0]


def _latch_hint(cell, accuracy: float, h_last: torch.Tensor, noise: float, passed_quiet: bool) -> str:
    w_x, w_h, b = one_by_one_weights(cell)
    if w_h < -1:
        return f" W_h = {w_h:.3g} is negative: the state changes sign at every step. Make W_h positive."
    if abs(w_h) <= 1:
        return (f" With |W_h| = {abs(w_h):.3g} ≤ 1, h ↦ tanh(W_h h) has a single fixed point, 0: the state "
                "decays towards it and the bit is lost. W_h must be larger than 1.")
    if accuracy < 0.05:
        return f" The final state has the opposite sign of the bit: W_x = {w_x:.3g} should be positive."
    if bool((h_last > 0).all()) or bool((h_last < 0).all()):
        return f" Every sequence ends on the same side of 0: the bias b = {b:.3g} pushes the state one way."
    if passed_quiet and noise > 0:
        return (f" It holds the bit without noise, but the noise steps W_x x_t push the state across 0: "
                f"with W_h = {w_h:.3g} the pull towards the fixed points is too weak. Make W_h larger.")
    return ""


@guarded
def check_noise_proof_latch(noise_proof_latch) -> bool:
    """Check ``noise_proof_latch() -> lt.RNNCell(1, 1)``: on ``remember_bit(1000, gap, noise)`` the sign of
    its final state must equal the bit for at least 99% of the sequences, with and without noise 1.0."""
    name = "noise_proof_latch"
    cell = built_cell(noise_proof_latch, (), RNNCell, name, input_size=1, hidden_size=1, need_bias=False)
    if cell is None:
        return False
    if cell.nonlinearity != "tanh":
        return report(False, "", f"{name} should return a tanh cell, lt.RNNCell(1, 1), got one with "
                      f"nonlinearity={cell.nonlinearity!r}.")
    cell = copy.deepcopy(cell).double()
    passed_quiet = False
    for gap, noise, seed in _LATCH_RUNS:
        accuracy, h_last = latch_accuracy(cell, gap, noise, seed)
        if accuracy < _LATCH_PASS:
            return report(False, "", (
                f"{name}: on remember_bit(batch={_LATCH_BATCH}, gap={gap}, noise={noise}) the sign of the final "
                f"state matches the bit for only {accuracy:.1%} of the sequences (it should be at least "
                f"{_LATCH_PASS:.0%})." + _latch_hint(cell, accuracy, h_last, noise, passed_quiet)))
        passed_quiet = passed_quiet or noise == 0
    runs = ", ".join(f"gap={gap} noise={noise}" for gap, noise, _ in _LATCH_RUNS)
    return report(True, f"{name} holds the bit in at least {_LATCH_PASS:.0%} of the sequences ({runs}).", "")


# -- ex-jacobian-bound: the largest singular value of W_h --------------------------------------------------


def _jacobian_bound(cell):
    return torch.linalg.matrix_norm(cell.weight_h.detach(), ord=2).item()


def _random_rnn(gen, input_size, hidden_size, scale):
    with torch.random.fork_rng(devices=[]):
        cell = RNNCell(input_size, hidden_size).double()
    with torch.no_grad():
        for p in cell.parameters():
            p.copy_(scale * torch.randn(p.shape, generator=gen, dtype=torch.float64))
    return cell


def _bound_cases():
    gen = torch.Generator().manual_seed(3)
    cases = []
    # input_size differs from hidden_size in every case but the last, so W_x's norm is no stand-in;
    # hidden 1 last (every matrix norm of a 1 × 1 matrix is the same there)
    for inputs, hidden, scale in [(8, 6, 0.5), (3, 2, 1.0), (2, 10, 0.2), (5, 4, 1.5), (1, 1, 1.0)]:
        cases.append(case(_random_rnn(gen, inputs, hidden, scale),
                          description=f"an RNNCell({inputs}, {hidden}) with random weights"))
    return cases


def _spectral_radius(cell):
    return torch.linalg.eigvals(cell.weight_h.detach()).abs().max().item()


@guarded
def check_jacobian_bound(jacobian_bound) -> bool:
    """Check ``jacobian_bound(cell) -> sigma_max``, the largest singular value of ``cell.weight_h``, as a number."""
    return check_function(
        as_number(jacobian_bound) if callable(jacobian_bound) else jacobian_bound,
        _jacobian_bound,
        _bound_cases(),
        name="jacobian_bound",
        mistakes=[
            (lambda c: c.weight_h.detach().norm().item(),
             "the Frobenius norm (the square root of the sum of squares), which is not the largest singular value"),
            (_spectral_radius,
             "the largest |eigenvalue| (the spectral radius): for a matrix that is not symmetric it can be "
             "smaller than the largest singular value"),
            (lambda c: torch.linalg.svdvals(c.weight_h.detach()).min().item(),
             "the smallest singular value instead of the largest"),
            (lambda c: torch.linalg.matrix_norm(c.weight_x.detach(), ord=2).item(),
             "the singular value of W_x (weight_x): the chain through time multiplies by W_h"),
            (lambda c: c.weight_h.detach().abs().max().item(), "the largest entry of W_h"),
            (lambda c: torch.linalg.matrix_norm(c.weight_h.detach(), ord=1).item(),
             "the 1-norm (the largest column sum of |W_h|)"),
            (lambda c: torch.linalg.matrix_norm(c.weight_h.detach(), ord=2).item() ** 2,
             "the largest eigenvalue of W_hᵀ W_h, which is σ_max squared"),
            (lambda c: torch.linalg.matrix_norm(c.weight_h.detach(), ord=float("inf")).item(),
             "the ∞-norm (the largest row sum of |W_h|)"),
            (lambda c: torch.linalg.svdvals(c.weight_h.detach()).sum().item(),
             "the sum of all singular values (the nuclear norm)"),
            (lambda c: torch.linalg.matrix_norm(torch.cat([c.weight_h.detach(), c.weight_x.detach()], 1), ord=2).item(),
             "the largest singular value of [W_h | W_x] side by side: the bound is about W_h alone"),
        ],
    )
