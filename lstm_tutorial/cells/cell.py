"""What every recurrent cell in the book shares: its state, its checks, and loading from torch.nn.

A cell does one time step. Its work is split in two so that a sequence can be run fast:

* ``project(x)`` applies the input weights. It has no recurrence, so ``unroll`` calls it once
  for all time steps together (one big matmul instead of ``time`` small ones).
* ``step(xw_t, state)`` does the rest: the part that needs the previous state.

``cell(x_t, state)`` is simply ``step(project(x_t), state)`` with its arguments checked.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .._checks import check_size, check_states, check_step_input


class RecurrentCell(nn.Module):
    #: names of the state tensors, in the order the cell takes and returns them
    state_names: tuple[str, ...] = ("h",)
    #: the torch.nn modules ``from_torch`` can load (empty: PyTorch has no such cell)
    torch_kinds: tuple[type, ...] = ()
    #: how many blocks of ``hidden_size`` rows the input projection has (4 for the LSTM)
    n_blocks: int = 1

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True):
        super().__init__()
        self.input_size = check_size(input_size, "input_size")
        self.hidden_size = check_size(hidden_size, "hidden_size")
        rows = self.n_blocks * hidden_size
        self.weight_x = nn.Parameter(torch.empty(rows, input_size))
        self.weight_h = nn.Parameter(torch.empty(rows, hidden_size))
        self.bias = nn.Parameter(torch.empty(rows)) if bias else None
        self._trace = None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # PyTorch's own initialisation for its recurrent layers: U(-1/sqrt(H), 1/sqrt(H)).
        k = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -k, k)

    def extra_repr(self) -> str:
        return f"input_size={self.input_size}, hidden_size={self.hidden_size}, bias={self.bias is not None}"

    # -- the two halves of a step ------------------------------------------------------------
    def project(self, x: torch.Tensor) -> torch.Tensor:
        """The input's contribution to every layer, for any leading axes (one step or all)."""
        return nn.functional.linear(x, self.weight_x, self.bias)

    def step(self, xw_t: torch.Tensor, state):
        raise NotImplementedError

    # -- the state ---------------------------------------------------------------------------
    def initial_state(self, x_t: torch.Tensor):
        zeros = tuple(x_t.new_zeros(x_t.shape[0], self.hidden_size) for _ in self.state_names)
        return zeros if len(zeros) > 1 else zeros[0]

    def check_state(self, state, batch: int):
        parts = check_states(self, state, batch)
        return parts if len(parts) > 1 else parts[0]

    def output(self, state) -> torch.Tensor:
        """What the cell shows the next layer: the hidden state ``h``."""
        return state[0] if isinstance(state, tuple) else state

    def forward(self, x_t: torch.Tensor, state=None):
        x_t = check_step_input(self, x_t)
        state = self.initial_state(x_t) if state is None else self.check_state(state, x_t.shape[0])
        return self.step(self.project(x_t), state)

    # -- gate activations for plots ------------------------------------------------------------
    def _record(self, **values: torch.Tensor) -> None:
        for name, value in values.items():
            self._trace.setdefault(name, []).append(value.detach())

    # -- loading torch.nn weights -----------------------------------------------------------------
    @classmethod
    def from_torch(cls, module: nn.Module):
        """A cell computing exactly what ``module`` computes (one layer, one direction)."""
        kinds = cls.torch_kinds
        if not kinds:
            raise ValueError(f"{cls.__name__}.from_torch: PyTorch has no module of this kind to load from")
        if not isinstance(module, kinds):
            wanted = " or ".join(f"nn.{k.__name__}" for k in kinds)
            raise ValueError(f"{cls.__name__}.from_torch expected {wanted}, got {type(module).__name__}")
        suffix = ""
        if isinstance(module, nn.RNNBase):
            suffix = "_l0"
            found = []
            if module.num_layers != 1:
                found.append(f"num_layers={module.num_layers}")
            if module.bidirectional:
                found.append("bidirectional=True")
            if getattr(module, "proj_size", 0):
                found.append(f"proj_size={module.proj_size}")
            if found:
                raise ValueError(
                    f"{cls.__name__}.from_torch loads a single cell: expected num_layers=1, "
                    f"bidirectional=False, proj_size=0; got {', '.join(found)}"
                )
        w_ih = getattr(module, "weight_ih" + suffix)
        w_hh = getattr(module, "weight_hh" + suffix)
        b_ih = getattr(module, "bias_ih" + suffix) if module.bias else None
        b_hh = getattr(module, "bias_hh" + suffix) if module.bias else None
        cell = cls._like(module).to(dtype=w_ih.dtype, device=w_ih.device)
        with torch.no_grad():
            cell._load(w_ih, w_hh, b_ih, b_hh)
        return cell

    def to_torch(self) -> nn.Module:
        """The same function as a one-layer ``torch.nn`` module with ``batch_first=True``, to run
        on PyTorch's own (for the LSTM, fused) kernel; ``from_torch`` of the result gives back
        this cell's function."""
        if not self.torch_kinds:
            raise ValueError(f"{type(self).__name__}.to_torch: PyTorch has no module of this kind")
        module = self._torch_module().to(dtype=self.weight_h.dtype, device=self.weight_h.device)
        with torch.no_grad():
            module.weight_ih_l0.copy_(self.weight_x)
            module.weight_hh_l0.copy_(self.weight_h)
            if self.bias is not None:
                b_ih, b_hh = self._torch_biases()
                module.bias_ih_l0.copy_(b_ih)
                module.bias_hh_l0.copy_(b_hh)
        return module

    def _torch_biases(self):
        # the reverse of ``_load``: our one bias, and a zero for PyTorch's redundant second one
        return self.bias, torch.zeros_like(self.bias)

    def _torch_module(self) -> nn.Module:
        return self.torch_kinds[0](self.input_size, self.hidden_size, bias=self.bias is not None, batch_first=True)

    @classmethod
    def _like(cls, module):
        return cls(module.input_size, module.hidden_size, bias=module.bias)

    def _load(self, w_ih, w_hh, b_ih, b_hh) -> None:
        self.weight_x.copy_(w_ih)
        self.weight_h.copy_(w_hh)
        if self.bias is not None:
            # PyTorch keeps two bias vectors that are only ever added: one is enough.
            self.bias.copy_(b_ih + b_hh)
