"""The clockwork RNN (Koutník et al. 2014): a tanh RNN whose units tick at different rates.

The hidden units are split into equal modules, module ``k`` with a period ``T_k``. At step
``t`` (counted from 0) only the modules with ``t mod T_k == 0`` are updated; the others keep
their state unchanged::

    h_t[k] = tanh(W_x[k] x_t + (W_h * M)[k] h_{t-1} + b[k])   if t mod T_k == 0
    h_t[k] = h_{t-1}[k]                                          otherwise

``M`` masks the recurrent weights: unit ``j`` feeds unit ``i`` only if ``j``'s module is at
least as slow as ``i``'s (``T_j >= T_i``). With the periods in increasing order, as in the
paper, ``M`` is block upper-triangular: slow modules inform fast ones, never the reverse.

To know which modules tick, a step needs the time. The cell keeps it in its state:
``(h, t)``, where ``t`` is a ``(batch,)`` integer tensor, the number of steps taken so far
(0 at the start). So ``unroll`` needs no change, and passing a state on continues the clock
where it stopped. Here every module is computed at every step and the resting ones keep
their old value: the same function as the paper's, without its saving in computation.
"""

from __future__ import annotations

import torch

from .._checks import _state_form, check_dtype, check_size, require_tensor, shape_of
from .cell import RecurrentCell


def check_periods(periods) -> tuple[int, ...]:
    """The periods as a tuple of positive ints, at least one."""
    if isinstance(periods, torch.Tensor):
        periods = periods.tolist()
    try:
        periods = tuple(periods)
    except TypeError:
        raise ValueError(f"periods must be a sequence of positive ints, got {periods!r}") from None
    bad = [p for p in periods if isinstance(p, bool) or not isinstance(p, int) or p < 1]
    if not periods or bad:
        raise ValueError(f"periods must be a non-empty sequence of positive ints, got {periods!r}")
    return periods


def update_schedule(periods, steps: int) -> torch.Tensor:
    """Which module updates at which step: a bool tensor (modules, steps), ``True`` at
    ``[k, t]`` when ``t mod periods[k] == 0``."""
    periods = torch.tensor(check_periods(periods))
    check_size(steps, "steps")
    return torch.arange(steps).unsqueeze(0) % periods.unsqueeze(1) == 0


class ClockworkRNN(RecurrentCell):
    """A clockwork RNN with ``len(periods)`` modules of ``hidden_size // len(periods)`` units.

    ``weight_x``, ``weight_h`` and ``bias`` are those of a tanh ``RNNCell``; the masked-out
    entries of ``weight_h`` start at zero and, since the step multiplies by ``mask``, never
    get a gradient (``count_parameters`` leaves them out). The state is ``(h, t)``, see the
    module's docstring. ``record_gates`` records ``h`` and ``active``, 1.0 for the units
    updated at that step and 0.0 for the resting ones.
    """

    state_names = ("h", "t")

    def __init__(self, input_size: int, hidden_size: int, periods=(1, 2, 4, 8), bias: bool = True):
        periods = check_periods(periods)
        check_size(hidden_size, "hidden_size")
        if hidden_size % len(periods):
            raise ValueError(
                f"hidden_size must be divisible by the number of modules: expected a multiple of "
                f"len(periods)={len(periods)} (periods={periods}), got hidden_size={hidden_size}"
            )
        self.periods = periods
        self.module_size = hidden_size // len(periods)
        super().__init__(input_size, hidden_size, bias)
        unit_period = torch.tensor(periods).repeat_interleave(self.module_size)
        self.register_buffer("unit_period", unit_period, persistent=False)
        # mask[i, j] = 1 where unit j may feed unit i: j's module is at least as slow as i's
        mask = (unit_period.unsqueeze(0) >= unit_period.unsqueeze(1)).to(self.weight_h.dtype)
        self.register_buffer("mask", mask, persistent=False)
        self.reset_parameters()

    def extra_repr(self) -> str:
        return super().extra_repr() + f", periods={self.periods}"

    def reset_parameters(self) -> None:
        super().reset_parameters()
        if hasattr(self, "mask"):  # not yet during RecurrentCell.__init__
            with torch.no_grad():
                self.weight_h.mul_(self.mask)

    def count_parameters(self) -> int:
        """The trainable numbers that matter: every parameter, less the masked-out weights."""
        total = sum(p.numel() for p in self.parameters())
        return total - int((self.mask == 0).sum())

    # -- the state: (h, t) --------------------------------------------------------------------
    def initial_state(self, x_t: torch.Tensor):
        batch = x_t.shape[0]
        return x_t.new_zeros(batch, self.hidden_size), torch.zeros(batch, dtype=torch.long, device=x_t.device)

    def check_state(self, state, batch: int):
        name = type(self).__name__
        form = _state_form(self.state_names)
        if isinstance(state, torch.Tensor):
            raise ValueError(f"{name} expected its state as {form}, got one tensor")
        if not isinstance(state, (tuple, list)):
            raise ValueError(f"{name} expected its state as {form}, got {type(state).__name__}")
        if len(state) != 2:
            raise ValueError(f"{name} expected its state as {form}, got a {type(state).__name__} of {len(state)}")
        h, t = state
        require_tensor(h, f"{name} state h")
        if tuple(h.shape) != (batch, self.hidden_size):
            raise ValueError(
                f"{name} expected state h of shape (batch={batch}, hidden_size={self.hidden_size}), got {shape_of(h)}"
            )
        check_dtype(self, h)
        require_tensor(t, f"{name} state t")
        if tuple(t.shape) != (batch,) or t.dtype.is_floating_point or t.dtype.is_complex or t.dtype == torch.bool:
            raise ValueError(
                f"{name} expected state t, the step count, as an integer tensor of shape (batch={batch},), "
                f"got {t.dtype} of shape {shape_of(t)}"
            )
        return h, t

    # -- one step -------------------------------------------------------------------------------
    def step(self, xw_t: torch.Tensor, state):
        h_prev, t = state
        h_new = torch.tanh(torch.addmm(xw_t, h_prev, (self.weight_h * self.mask).t()))
        active = t.unsqueeze(1) % self.unit_period == 0  # (batch, hidden_size)
        h_t = torch.where(active, h_new, h_prev)  # resting modules keep their state
        if self._trace is not None:
            self._record(h=h_t, active=active.to(h_t.dtype))
        return h_t, t + 1
