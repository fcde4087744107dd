"""The LSTM with peephole connections (Gers & Schmidhuber 2000).

The gates also look at the cell state through diagonal weights: the input and forget gates
at ``c_{t-1}``, the output gate at the new ``c_t``.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .lstm import LSTMCell


class PeepholeLSTMCell(LSTMCell):
    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, forget_bias: float | None = None):
        super().__init__(input_size, hidden_size, bias, forget_bias)
        # one weight per cell unit and gate: a diagonal matrix kept as a vector,
        # initialised on the same scale as the cell's other weights
        k = 1.0 / math.sqrt(hidden_size)
        self.p_i = nn.Parameter(torch.empty(hidden_size).uniform_(-k, k))
        self.p_f = nn.Parameter(torch.empty(hidden_size).uniform_(-k, k))
        self.p_o = nn.Parameter(torch.empty(hidden_size).uniform_(-k, k))

    @classmethod
    def from_torch(cls, module: nn.Module):
        """Load an ``nn.LSTM``/``nn.LSTMCell`` with the peepholes closed (zero): it then computes
        exactly what the module does, and training can open them."""
        cell = super().from_torch(module)
        with torch.no_grad():
            for p in (cell.p_i, cell.p_f, cell.p_o):
                p.zero_()
        return cell

    def to_torch(self) -> nn.Module:
        """Only a cell whose peepholes are closed has an ``nn.LSTM`` equivalent."""
        if any(p.detach().abs().max() > 0 for p in (self.p_i, self.p_f, self.p_o)):
            raise ValueError(
                "PeepholeLSTMCell.to_torch: nn.LSTM has no peepholes; expected p_i, p_f and p_o all zero, "
                "got non-zero peephole weights"
            )
        return super().to_torch()

    def step(self, xw_t: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor]):
        h_prev, c_prev = state
        z = torch.addmm(xw_t, h_prev, self.weight_h.t())
        i_t, f_t, g_t, o_t = z.chunk(4, dim=1)
        i_t = torch.sigmoid(i_t + self.p_i * c_prev)
        f_t = torch.sigmoid(f_t + self.p_f * c_prev)
        g_t = torch.tanh(g_t)
        c_t = f_t * c_prev + i_t * g_t
        o_t = torch.sigmoid(o_t + self.p_o * c_t)  # the output gate sees the new cell state
        h_t = o_t * torch.tanh(c_t)
        if self._trace is not None:
            self._record(i=i_t, f=f_t, g=g_t, o=o_t, c=c_t, h=h_t)
        return h_t, c_t
