"""The checkers of chapter 3's exercises accept the answers and name the typical mistakes."""

import numpy as np
import pytest
import torch

import lstm_tutorial as lt


def check(checker, fn, capsys):
    ok = checker(fn)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, f"one sentence expected: {out}"
    return ok, out


# -- noise_proof_latch --------------------------------------------------------------------------------------


def latch(w_x=2.0, w_h=10.0, b=0.0, nonlinearity="tanh"):
    def noise_proof_latch():
        cell = lt.RNNCell(1, 1, nonlinearity=nonlinearity)
        with torch.no_grad():
            cell.weight_x.fill_(w_x)
            cell.weight_h.fill_(w_h)
            cell.bias.fill_(b)
        return cell

    return noise_proof_latch


@pytest.mark.parametrize("weights", [{}, {"w_h": 20.0}, {"w_x": 1.0, "w_h": 10.0}, {"w_x": 0.1}])
def test_latch_answers_pass(capsys, weights):
    ok, out = check(lt.exercises.check_noise_proof_latch, latch(**weights), capsys)
    assert ok and out.startswith("✓"), out


def latch_without_bias():
    cell = lt.RNNCell(1, 1, bias=False)
    with torch.no_grad():
        cell.weight_x.fill_(2.0)
        cell.weight_h.fill_(10.0)
    return cell


def latch_in_float64_with_a_small_bias():
    cell = lt.RNNCell(1, 1).double()
    with torch.no_grad():
        cell.weight_x.copy_(torch.tensor([[3.0]]))
        cell.weight_h.copy_(torch.tensor([[12.0]]))
        cell.bias.fill_(0.01)
    return cell


@pytest.mark.parametrize("answer", [latch_without_bias, latch_in_float64_with_a_small_bias])
def test_latch_right_variants_pass(capsys, answer):
    ok, out = check(lt.exercises.check_noise_proof_latch, answer, capsys)
    assert ok and out.startswith("✓"), out


def test_latch_other_wrong_returns(capsys):
    ok, out = check(lt.exercises.check_noise_proof_latch, lambda: None, capsys)
    assert not ok and "got None (did you forget `return cell`?)" in out, out
    ok, out = check(lt.exercises.check_noise_proof_latch, lambda: lt.RNNCell(1, 2), capsys)
    assert not ok and "hidden_size=2" in out, out
    ok, out = check(lt.exercises.check_noise_proof_latch, latch(w_x=0.0), capsys)
    assert not ok and "matches the bit for only" in out, out


def test_latch_starter(capsys):
    def starter():
        raise NotImplementedError

    ok, out = check(lt.exercises.check_noise_proof_latch, starter, capsys)
    assert not ok and "not implemented yet" in out


@pytest.mark.parametrize(("weights", "where", "why"), [
    ({"w_h": 2.0}, "gap=100, noise=1.0", "It holds the bit without noise, but the noise steps"),
    ({"w_h": 5.0}, "gap=100, noise=1.0", "with W_h = 5 the pull towards the fixed points is too weak"),
    ({"w_h": 1.0}, "gap=100, noise=1.0", "a single fixed point, 0"),
    ({"w_h": 0.5}, "gap=100, noise=1.0", "W_h must be larger than 1"),
    ({"w_h": -10.0}, "gap=25, noise=1.0", "the state changes sign at every step"),
    ({"w_x": -2.0}, "gap=100, noise=0.0", "the opposite sign of the bit"),
    ({"b": 20.0}, "gap=100, noise=0.0", "the bias b = 20 pushes the state one way"),
])
def test_latch_mistakes(capsys, weights, where, why):
    ok, out = check(lt.exercises.check_noise_proof_latch, latch(**weights), capsys)
    assert not ok and f"on remember_bit(batch=1000, {where})" in out and why in out, out
    assert "matches the bit for only" in out


def test_latch_must_be_a_tanh_cell(capsys):
    ok, out = check(lt.exercises.check_noise_proof_latch, latch(nonlinearity="relu"), capsys)
    assert not ok and "should return a tanh cell" in out, out
    ok, out = check(lt.exercises.check_noise_proof_latch, lambda: lt.LSTMCell(1, 1), capsys)
    assert not ok and "should return an lt.RNNCell(1, 1), got a LSTMCell" in out, out


# -- jacobian_bound -------------------------------------------------------------------------------------------


def jacobian_bound(cell):
    return torch.linalg.matrix_norm(cell.weight_h.detach(), ord=2).item()


def by_svd(cell):
    return torch.linalg.svdvals(cell.weight_h)[0]  # a 0-d tensor is accepted too


def power_iteration(cell):
    W = cell.weight_h.detach()
    v = torch.ones(W.shape[1], dtype=W.dtype)
    for _ in range(2000):
        v = W.T @ (W @ v)
        v = v / v.norm()
    return (W @ v).norm().item()


@pytest.mark.parametrize("answer", [
    jacobian_bound,
    by_svd,
    power_iteration,
    lambda cell: torch.linalg.norm(cell.weight_h, 2),  # ord=2 of a matrix is σ_max
    lambda cell: torch.linalg.eigvalsh(cell.weight_h.T @ cell.weight_h).max().sqrt().item(),
    lambda cell: np.linalg.norm(cell.weight_h.detach().numpy(), 2),
    lambda cell: np.float32(np.linalg.svd(cell.weight_h.detach().float().numpy(), compute_uv=False)[0]),
    lambda cell: torch.linalg.svdvals(cell.weight_h.detach().float())[:1],
])
def test_bound_right_variants_pass(capsys, answer):
    ok, out = check(lt.exercises.check_jacobian_bound, answer, capsys)
    assert ok and out.startswith("✓"), out


def test_bound_starter(capsys):
    def starter(cell):
        raise NotImplementedError

    ok, out = check(lt.exercises.check_jacobian_bound, starter, capsys)
    assert not ok and "not implemented yet" in out


@pytest.mark.parametrize(("wrong", "phrase"), [
    (lambda cell: torch.linalg.norm(cell.weight_h).item(), "the Frobenius norm"),
    (lambda cell: torch.linalg.eigvals(cell.weight_h.detach()).abs().max().item(), "the spectral radius"),
    (lambda cell: torch.linalg.svdvals(cell.weight_h.detach())[-1].item(), "the smallest singular value"),
    (lambda cell: torch.linalg.svdvals(cell.weight_x.detach())[0].item(), "the singular value of W_x"),
    (lambda cell: cell.weight_h.abs().max().item(), "the largest entry of W_h"),
    (lambda cell: torch.linalg.eigvalsh(cell.weight_h.T @ cell.weight_h).max().item(), "σ_max squared"),
])
def test_bound_mistakes(capsys, wrong, phrase):
    ok, out = check(lt.exercises.check_jacobian_bound, wrong, capsys)
    assert not ok and phrase in out, out


@pytest.mark.parametrize(("wrong", "phrase"), [
    (lambda cell: torch.linalg.matrix_norm(cell.weight_h.detach(), ord=float("inf")).item(), "the ∞-norm"),
    (lambda cell: torch.linalg.matrix_norm(cell.weight_h.detach(), ord="nuc").item(), "the nuclear norm"),
    (lambda cell: torch.linalg.matrix_norm(torch.cat([cell.weight_h, cell.weight_x], 1).detach(), ord=2).item(),
     "[W_h | W_x] side by side"),
    (lambda cell: cell.weight_h.norm(p=2).item(), "the Frobenius norm"),  # Tensor.norm(2) flattens
    (lambda cell: torch.linalg.svdvals(cell.weight_h), "should be a number, got a tensor of shape [6]"),
    (lambda cell: None, "should be a number, got None"),
    (lambda cell: torch.linalg.svdvals(cell.weight_h.squeeze())[0], "raised"),
])
def test_bound_more_wrong_answers(capsys, wrong, phrase):
    ok, out = check(lt.exercises.check_jacobian_bound, wrong, capsys)
    assert not ok and phrase in out, out
