"""The checkers of chapter 3's exercises accept the answers and name the typical mistakes."""

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


def test_bound_answers_pass(capsys):
    for answer in (jacobian_bound, by_svd):
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
