"""The plain (Elman) recurrent cell: one layer, ``h_t = tanh(W_x x_t + W_h h_{t-1} + b)``."""

from __future__ import annotations

import torch
from torch import nn

from .cell import RecurrentCell

_NONLINEARITIES = {"tanh": torch.tanh, "relu": torch.relu}


class RNNCell(RecurrentCell):
    torch_kinds = (nn.RNN, nn.RNNCell)

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh"):
        if nonlinearity not in _NONLINEARITIES:
            raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__(input_size, hidden_size, bias)
        self.nonlinearity = nonlinearity
        self._phi = _NONLINEARITIES[nonlinearity]

    @classmethod
    def _like(cls, module):
        return cls(module.input_size, module.hidden_size, bias=module.bias, nonlinearity=module.nonlinearity)

    def _torch_module(self) -> nn.Module:
        return nn.RNN(
            self.input_size, self.hidden_size, bias=self.bias is not None,
            nonlinearity=self.nonlinearity, batch_first=True,
        )

    def step(self, xw_t: torch.Tensor, h_prev: torch.Tensor) -> torch.Tensor:
        # xw_t already holds W_x x_t + b; the loop adds what the previous step left behind.
        h_t = self._phi(torch.addmm(xw_t, h_prev, self.weight_h.t()))
        if self._trace is not None:
            self._record(h=h_t)
        return h_t
