"""An ensemble of M models computes, and learns, exactly what the M models do one by one."""

import pytest
import torch

from lstm_tutorial import (
    CoupledLSTMCell,
    GRUCell,
    LSTMCell,
    PeepholeLSTMCell,
    RNNCell,
    SequenceModel,
    reproducible,
    train,
)
from lstm_tutorial.ablation import PARTS, LSTMVariantCell
from lstm_tutorial.ensemble import GRUEnsemble, LSTMEnsemble, MixedEnsemble
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


def gru_members(readout="last"):
    torch.manual_seed(1)
    return [SequenceModel(GRUCell(2, 5), 1, readout=readout).double() for _ in range(3)]


def mixed_members(readout="last"):
    gru = gru_members(readout)
    lstm = members(readout)
    # the two kinds interleaved, so that the ensemble must put its outputs back in order
    return [lstm[0], gru[0], lstm[2], lstm[3], gru[1], lstm[5], gru[2], lstm[-1]]


@pytest.mark.parametrize("kind", [GRUEnsemble, MixedEnsemble])
@pytest.mark.parametrize("readout", ["last", "all"])
def test_gru_and_mixed_ensembles_compute_what_their_members_compute(kind, readout):
    models = gru_members(readout) if kind is GRUEnsemble else mixed_members(readout)
    ensemble = kind(models)
    x = torch.randn(3, 7, 2, dtype=torch.float64)
    out = ensemble(x)
    assert out.shape[0] == len(models)
    for k, m in enumerate(models):
        torch.testing.assert_close(out[k], m(x), atol=1e-10, rtol=0)


def test_gru_ensemble_gradients_match_the_members():
    models = gru_members()
    ensemble = GRUEnsemble(models)
    x = torch.randn(3, 7, 2, dtype=torch.float64)
    y = torch.randn(3, 1, dtype=torch.float64)
    ((ensemble(x) - y) ** 2).mean(dim=(1, 2)).sum().backward()
    for k, m in enumerate(models):
        ((m(x) - y) ** 2).mean().backward()
        for name in ("weight_x", "weight_h", "bias", "bias_h"):
            torch.testing.assert_close(
                getattr(ensemble, name).grad[k].reshape(-1), getattr(m.cell, name).grad.reshape(-1), atol=1e-10, rtol=0
            )
        torch.testing.assert_close(ensemble.head_weight.grad[k], m.head.weight.grad, atol=1e-10, rtol=0)
        torch.testing.assert_close(ensemble.head_bias.grad[k, 0], m.head.bias.grad, atol=1e-10, rtol=0)


@pytest.mark.parametrize("kind", [GRUEnsemble, MixedEnsemble])
def test_training_a_gru_or_mixed_ensemble_is_training_each_member(kind):
    def batch(g):
        x, y = adding_problem(8, 6, generator=g)
        return x.double(), y.double()

    def mse(out, y):
        return ((out - y) ** 2).mean(dim=(-2, -1))

    reproducible(0)
    models = gru_members() if kind is GRUEnsemble else mixed_members()
    ensemble = kind(models)
    together = train(ensemble, batch, mse, steps=5, clip=0.5, log_every=5)
    for k, m in enumerate(models):
        alone = train(m, batch, mse, steps=5, clip=0.5, log_every=5)
        assert alone == pytest.approx([step[k] for step in together], abs=1e-10)


def test_mixed_ensemble_clips_each_member_and_keeps_their_order():
    models = mixed_members()
    ensemble = MixedEnsemble(models)
    x = torch.randn(3, 7, 2, dtype=torch.float64)
    y = torch.randn(3, 1, dtype=torch.float64)
    ((ensemble(x) - y) ** 2).mean(dim=(1, 2)).sum().backward()
    norms = ensemble.clip_grad_norm_(1e-3)
    for k, m in enumerate(models):
        ((m(x) - y) ** 2).mean().backward()
        alone = torch.sqrt(sum(p.grad.pow(2).sum() for p in m.parameters()))
        torch.testing.assert_close(norms[k], alone, atol=1e-10, rtol=0)


def test_gru_and_mixed_ensembles_refuse_what_they_cannot_run():
    with pytest.raises(ValueError, match="cell is a GRUCell, got SequenceModel with LSTMCell"):
        GRUEnsemble([SequenceModel(LSTMCell(2, 3), 1)])
    with pytest.raises(ValueError, match="expected at least one model, got none"):
        GRUEnsemble([])
    with pytest.raises(ValueError, match="expected at least one model, got none"):
        MixedEnsemble([])
    with pytest.raises(ValueError, match="LSTM-family cell or a GRUCell, got SequenceModel with RNNCell"):
        MixedEnsemble([SequenceModel(RNNCell(2, 3), 1)])
    with pytest.raises(ValueError, match="expected members of one shape"):
        MixedEnsemble([SequenceModel(LSTMCell(2, 3), 1), SequenceModel(GRUCell(2, 4), 1)])
    with pytest.raises(ValueError, match="bias=True"):
        GRUEnsemble([SequenceModel(GRUCell(2, 3, bias=False), 1)])
    ensemble = GRUEnsemble([SequenceModel(GRUCell(2, 3), 1)])
    with pytest.raises(ValueError, match=r"input_size=2\) for GRUEnsemble, got \(4, 5, 3\)"):
        ensemble(torch.randn(4, 5, 3))


def test_member_bce_is_one_loss_per_member():
    from torch.nn.functional import binary_cross_entropy_with_logits

    from lstm_tutorial.ensemble import member_bce

    y = torch.tensor([0.0, 1.0, 1.0])
    out = torch.randn(4, 3, 1)  # (members, batch, 1)
    losses = member_bce(out, y)
    assert losses.shape == (4,)
    for k in range(4):
        torch.testing.assert_close(losses[k], binary_cross_entropy_with_logits(out[k, :, 0], y))
    with pytest.raises(ValueError, match="one logit per target: 3 targets, got 6 logits per member"):
        member_bce(torch.randn(4, 3, 2), y)
