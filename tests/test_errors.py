"""Bad input is a ValueError that says what was expected and what was given."""

import re

import numpy as np
import pytest
import torch
from torch import nn

from lstm_tutorial import CoupledLSTMCell, GRUCell, LSTMCell, LSTMVariantCell, PeepholeLSTMCell, RNNCell, unroll

ALL_CELLS = [LSTMCell, GRUCell, RNNCell, PeepholeLSTMCell, CoupledLSTMCell, LSTMVariantCell]


@pytest.mark.parametrize("cls", ALL_CELLS)
def test_wrong_feature_size_in_a_step(cls):
    cell = cls(3, 5)
    with pytest.raises(ValueError, match=re.escape("expected x_t of shape (batch, input_size=3), got (2, 4)")):
        cell(torch.randn(2, 4))


@pytest.mark.parametrize("cls", ALL_CELLS)
def test_wrong_feature_size_in_a_sequence(cls):
    cell = cls(3, 5)
    with pytest.raises(ValueError, match=re.escape("got (2, 7, 4): 4 features instead of 3")):
        unroll(cell, torch.randn(2, 7, 4))


@pytest.mark.parametrize("cls", ALL_CELLS)
def test_sequence_without_time_axis(cls):
    cell = cls(3, 5)
    with pytest.raises(ValueError, match=r"\(batch, time, input_size=3\).*got 2-D \(2, 3\); it has no time axis"):
        unroll(cell, torch.randn(2, 3))


def test_whole_sequence_given_to_a_step_points_to_unroll():
    with pytest.raises(ValueError, match=r"got \(2, 7, 3\); that looks like a whole sequence: use unroll"):
        LSTMCell(3, 5)(torch.randn(2, 7, 3))


def test_empty_sequence():
    with pytest.raises(ValueError, match=r"at least one time step, got x of shape \(2, 0, 3\)"):
        unroll(LSTMCell(3, 5), torch.randn(2, 0, 3))


def test_not_a_tensor():
    with pytest.raises(ValueError, match="expected a torch.Tensor, got ndarray"):
        unroll(LSTMCell(3, 5), np.zeros((2, 7, 3)))


def test_dtype_mismatch_is_named():
    cell = LSTMCell(3, 5).double()
    with pytest.raises(ValueError, match=r"torch.float64 weights, got input of dtype torch.float32"):
        unroll(cell, torch.randn(2, 7, 3))


@pytest.mark.parametrize("cls", [LSTMCell, PeepholeLSTMCell, CoupledLSTMCell, LSTMVariantCell])
def test_lstm_state_count(cls):
    cell = cls(3, 5)
    x_t = torch.randn(2, 3)
    with pytest.raises(ValueError, match=re.escape("expected its state as a tuple (h, c), got one tensor")):
        cell(x_t, torch.zeros(2, 5))
    with pytest.raises(ValueError, match=re.escape("expected its state as a tuple (h, c), got a tuple of 3")):
        cell(x_t, (torch.zeros(2, 5),) * 3)


@pytest.mark.parametrize("cls", [GRUCell, RNNCell])
def test_single_state_count(cls):
    with pytest.raises(ValueError, match=re.escape("expected its state as one tensor h, got a tuple of 2")):
        cls(3, 5)(torch.randn(2, 3), (torch.zeros(2, 5), torch.zeros(2, 5)))


def test_wrong_state_shape():
    cell = LSTMCell(3, 5)
    with pytest.raises(ValueError, match=re.escape("expected state c of shape (batch=2, hidden_size=5), got (2, 6)")):
        cell(torch.randn(2, 3), (torch.zeros(2, 5), torch.zeros(2, 6)))


def test_torch_layer_axis_gets_a_hint():
    hint = r"got \(1, 2, 5\); states from torch.nn have a leading layer axis: pass h\[0\]"
    with pytest.raises(ValueError, match=hint):
        unroll(GRUCell(3, 5), torch.randn(2, 4, 3), torch.zeros(1, 2, 5))


@pytest.mark.parametrize(
    "module, found",
    [
        (nn.LSTM(3, 5, num_layers=2), "num_layers=2"),
        (nn.LSTM(3, 5, bidirectional=True), "bidirectional=True"),
        (nn.LSTM(3, 5, proj_size=2), "proj_size=2"),
    ],
)
def test_from_torch_refuses_what_one_cell_cannot_be(module, found):
    with pytest.raises(ValueError, match=rf"expected num_layers=1, bidirectional=False, proj_size=0; got {found}"):
        LSTMCell.from_torch(module)


@pytest.mark.parametrize(
    "cls, module, wanted",
    [
        (LSTMCell, nn.GRU(3, 5), "nn.LSTM or nn.LSTMCell, got GRU"),
        (GRUCell, nn.LSTMCell(3, 5), "nn.GRU or nn.GRUCell, got LSTMCell"),
        (RNNCell, nn.Linear(3, 5), "nn.RNN or nn.RNNCell, got Linear"),
    ],
)
def test_from_torch_wrong_kind(cls, module, wanted):
    with pytest.raises(ValueError, match=wanted):
        cls.from_torch(module)


def test_from_torch_without_a_torch_counterpart():
    with pytest.raises(ValueError, match="PyTorch has no module of this kind"):
        CoupledLSTMCell.from_torch(nn.LSTM(3, 5))


@pytest.mark.parametrize("size", [0, -1, 2.5, True])
def test_bad_sizes(size):
    with pytest.raises(ValueError, match=rf"hidden_size must be a positive int, got {re.escape(repr(size))}"):
        LSTMCell(3, size)


def test_bad_nonlinearity():
    with pytest.raises(ValueError, match="nonlinearity must be 'tanh' or 'relu', got 'sigmoid'"):
        RNNCell(3, 5, nonlinearity="sigmoid")
