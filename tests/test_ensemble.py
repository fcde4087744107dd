"""An ensemble of M models computes, and learns, exactly what the M models do one by one."""

import pytest
import torch

from lstm_tutorial import CoupledLSTMCell, LSTMCell, PeepholeLSTMCell, RNNCell, SequenceModel, reproducible, train
from lstm_tutorial.ablation import PARTS, LSTMVariantCell
from lstm_tutorial.ensemble import LSTMEnsemble
from lstm_tutorial.tasks import adding_problem


def members(readout="last"):
    torch.manual_seed(0)
    cells = [
        LSTMCell(2, 5),
        LSTMCell(2, 5, forget_bias=1.0),
        PeepholeLSTMCell(2, 5),
        CoupledLSTMCell(2, 5),
        *[LSTMVariantCell(2, 5, without=(part,)) for part in PARTS],
    ]
    return [SequenceModel(cell, 1, readout=readout).double() for cell in cells]


@pytest.mark.parametrize("readout", ["last", "all"])
def test_ensemble_computes_what_its_members_compute(readout):
    models = members(readout)
    ensemble = LSTMEnsemble(models)
    x = torch.randn(3, 7, 2, dtype=torch.float64)
    out = ensemble(x)
    for k, m in enumerate(models):
        torch.testing.assert_close(out[k], m(x), atol=1e-10, rtol=0)


def test_ensemble_gradients_match_the_members():
    models = members()
    ensemble = LSTMEnsemble(models)
    x = torch.randn(3, 7, 2, dtype=torch.float64)
    y = torch.randn(3, 1, dtype=torch.float64)
    ((ensemble(x) - y) ** 2).mean(dim=(1, 2)).sum().backward()
    for k, m in enumerate(models):
        ((m(x) - y) ** 2).mean().backward()
        cell = m.cell
        rows = slice(cell.hidden_size, None) if isinstance(cell, CoupledLSTMCell) else slice(None)
        torch.testing.assert_close(ensemble.weight_h.grad[k, rows], cell.weight_h.grad, atol=1e-10, rtol=0)
        torch.testing.assert_close(ensemble.weight_x.grad[k, rows], cell.weight_x.grad, atol=1e-10, rtol=0)
        torch.testing.assert_close(ensemble.head_weight.grad[k], m.head.weight.grad, atol=1e-10, rtol=0)
        if isinstance(cell, PeepholeLSTMCell):
            torch.testing.assert_close(ensemble.peepholes.grad[k, 1, 0], cell.p_f.grad, atol=1e-10, rtol=0)
        else:
            assert torch.all(ensemble.peepholes.grad[k] == 0)


def test_training_an_ensemble_is_training_each_member():
    def batch(g):
        x, y = adding_problem(8, 6, generator=g)
        return x.double(), y.double()

    def mse(out, y):
        return ((out - y) ** 2).mean(dim=(-2, -1))

    reproducible(0)
    models = members()
    ensemble = LSTMEnsemble(models)
    together = train(ensemble, batch, mse, steps=5, clip=0.5, log_every=5)
    for k, m in enumerate(models):
        alone = train(m, batch, mse, steps=5, clip=0.5, log_every=5)
        assert alone == pytest.approx([step[k] for step in together], abs=1e-10)


def test_ensemble_refuses_what_it_cannot_run():
    with pytest.raises(ValueError, match="cell is one of .* got SequenceModel with RNNCell"):
        LSTMEnsemble([SequenceModel(RNNCell(2, 3), 1)])
    with pytest.raises(ValueError, match="expected members of one shape"):
        LSTMEnsemble([SequenceModel(LSTMCell(2, 3), 1), SequenceModel(LSTMCell(2, 4), 1)])
    with pytest.raises(ValueError, match="expected at least one model, got none"):
        LSTMEnsemble([])
    ensemble = LSTMEnsemble([SequenceModel(LSTMCell(2, 3), 1)])
    with pytest.raises(ValueError, match=r"input_size=2\) for LSTMEnsemble, got \(4, 5, 3\)"):
        ensemble(torch.randn(4, 5, 3))


def test_variant_cell_parts():
    x = torch.randn(2, 6, 3, dtype=torch.float64)
    full = LSTMVariantCell(3, 4).double()
    reference = LSTMCell(3, 4).double()
    reference.load_state_dict(full.state_dict())
    from lstm_tutorial import record_gates, unroll

    torch.testing.assert_close(unroll(full, x)[0], unroll(reference, x)[0], atol=1e-12, rtol=0)
    no_forget = LSTMVariantCell(3, 4, without=("forget_gate",)).double()
    with record_gates(no_forget) as g:
        unroll(no_forget, x)
    assert torch.all(g["f"] == 1)
    no_act = LSTMVariantCell(3, 4, without=("output_activation",)).double()
    with record_gates(no_act) as g:
        unroll(no_act, x)
    torch.testing.assert_close(g["h"], g["o"] * g["c"])
    with pytest.raises(ValueError, match="without must be a tuple of parts among"):
        LSTMVariantCell(3, 4, without="forget_gate")
    with pytest.raises(ValueError, match="got \\('peephole',\\)"):
        LSTMVariantCell(3, 4, without=("peephole",))


def test_member_mse_is_one_loss_per_member():
    from lstm_tutorial.ensemble import member_mse

    y = torch.randn(4, 1)
    out = torch.stack([y, y + 1, y - 2])  # (members, batch, 1)
    torch.testing.assert_close(member_mse(out, y), torch.tensor([0.0, 1.0, 4.0]))
