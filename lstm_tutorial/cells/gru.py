"""The gated recurrent unit (Cho et al. 2014), in PyTorch's convention.

Two gates, no separate cell state. PyTorch (like cuDNN) applies the reset gate *after* the
hidden matmul, ``n_t = tanh(W_xn x_t + b_xn + r_t * (W_hn h_{t-1} + b_hn))``, and keeps the old
state where the update gate is 1: ``h_t = (1 - z_t) * n_t + z_t * h_{t-1}``. Because ``b_hn`` sits
inside the reset gate's product, the GRU keeps two bias vectors where the LSTM needs one.
"""

from __future__ import annotations

import torch
from torch import nn

from .cell import RecurrentCell


class GRUCell(RecurrentCell):
    torch_kinds = (nn.GRU, nn.GRUCell)
    n_blocks = 3  # rows in PyTorch's order: reset r, update z, new n

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True):
        super().__init__(input_size, hidden_size, bias)
        if bias:
            self.bias_h = nn.Parameter(torch.empty(3 * hidden_size))
            self.reset_parameters()
        else:
            self.bias_h = None

    def step(self, xw_t: torch.Tensor, h_prev: torch.Tensor) -> torch.Tensor:
        hw = nn.functional.linear(h_prev, self.weight_h, self.bias_h)
        x_r, x_z, x_n = xw_t.chunk(3, dim=1)
        h_r, h_z, h_n = hw.chunk(3, dim=1)
        r_t = torch.sigmoid(x_r + h_r)  # reset gate: how much of the old state the candidate sees
        z_t = torch.sigmoid(x_z + h_z)  # update gate: how much of the old state to keep
        n_t = torch.tanh(x_n + r_t * h_n)  # the candidate state
        h_t = (1.0 - z_t) * n_t + z_t * h_prev
        if self._trace is not None:
            self._record(r=r_t, z=z_t, n=n_t, h=h_t)
        return h_t

    def _torch_biases(self):
        return self.bias, self.bias_h

    def _load(self, w_ih, w_hh, b_ih, b_hh) -> None:
        self.weight_x.copy_(w_ih)
        self.weight_h.copy_(w_hh)
        if self.bias is not None:
            self.bias.copy_(b_ih)
            self.bias_h.copy_(b_hh)
