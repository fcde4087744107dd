"""The LSTM with parts removed, for the ablation studies of Greff et al. (2015).

Each part can be taken out on its own: a gate removed is a gate fixed open (its value is 1
at every step, as if the layer were not there), and an activation removed is the identity.
"""

from __future__ import annotations

import torch

from .lstm import LSTMCell

PARTS = ("forget_gate", "input_gate", "output_gate", "input_activation", "output_activation")


class LSTMVariantCell(LSTMCell):
    """``LSTMCell`` with any of ``PARTS`` removed: ``LSTMVariantCell(2, 32, without=("forget_gate",))``.

    With nothing removed it computes exactly what ``LSTMCell`` computes. The weights of a
    removed gate stay in the parameter tensors (so the layout matches ``LSTMCell``) but
    receive no gradient.
    """

    def __init__(self, input_size: int, hidden_size: int, without=(), bias: bool = True, forget_bias=None):
        unknown = [p for p in without if p not in PARTS]
        if isinstance(without, str) or unknown:
            raise ValueError(f"without must be a tuple of parts among {PARTS}, got {without!r}")
        super().__init__(input_size, hidden_size, bias, forget_bias)
        self.without = tuple(without)

    def extra_repr(self) -> str:
        return super().extra_repr() + (f", without={self.without}" if self.without else "")

    def step(self, xw_t: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor]):
        h_prev, c_prev = state
        z = torch.addmm(xw_t, h_prev, self.weight_h.t())
        i_t, f_t, g_t, o_t = z.chunk(4, dim=1)
        without = self.without
        ones = torch.ones_like(c_prev)
        i_t = ones if "input_gate" in without else torch.sigmoid(i_t)
        f_t = ones if "forget_gate" in without else torch.sigmoid(f_t)
        g_t = g_t if "input_activation" in without else torch.tanh(g_t)
        o_t = ones if "output_gate" in without else torch.sigmoid(o_t)
        c_t = f_t * c_prev + i_t * g_t
        h_t = o_t * (c_t if "output_activation" in without else torch.tanh(c_t))
        if self._trace is not None:
            self._record(i=i_t, f=f_t, g=g_t, o=o_t, c=c_t, h=h_t)
        return h_t, c_t
