"""Argument checks shared by the cells: every complaint names what was expected and what came."""

from __future__ import annotations

import torch


def shape_of(t) -> str:
    """A shape as a reader writes it: ``(4, 3)``."""
    return "(" + ", ".join(str(d) for d in t.shape) + ")"


def require_tensor(value, what: str) -> torch.Tensor:
    if not isinstance(value, torch.Tensor):
        raise ValueError(f"{what}: expected a torch.Tensor, got {type(value).__name__}")
    return value


def check_step_input(cell, x_t) -> torch.Tensor:
    """``x_t`` for one step must be ``(batch, input_size)`` in the cell's dtype."""
    name = type(cell).__name__
    x_t = require_tensor(x_t, f"{name} input x_t")
    if x_t.dim() != 2 or x_t.shape[1] != cell.input_size:
        hint = ""
        if x_t.dim() == 3:
            hint = "; that looks like a whole sequence: use unroll(cell, x) for (batch, time, features)"
        elif x_t.dim() == 1:
            hint = "; add a batch axis with x_t.unsqueeze(0)"
        raise ValueError(
            f"{name} expected x_t of shape (batch, input_size={cell.input_size}), "
            f"got {shape_of(x_t)}{hint}"
        )
    check_dtype(cell, x_t)
    return x_t


def check_sequence_input(cell, x) -> torch.Tensor:
    """``x`` for a whole sequence must be ``(batch, time, input_size)``."""
    name = type(cell).__name__
    x = require_tensor(x, "unroll input x")
    if x.dim() != 3:
        hint = ""
        if x.dim() == 2:
            hint = (
                "; it has no time axis. For one step call the cell directly, cell(x_t, state); "
                "for a one-feature series add the feature axis with x.unsqueeze(-1)"
            )
        raise ValueError(
            f"unroll expected x of shape (batch, time, input_size={cell.input_size}) for {name}, "
            f"got {x.dim()}-D {shape_of(x)}{hint}"
        )
    if x.shape[2] != cell.input_size:
        raise ValueError(
            f"unroll expected x of shape (batch, time, input_size={cell.input_size}) for {name}, "
            f"got {shape_of(x)}: {x.shape[2]} features instead of {cell.input_size}"
        )
    if x.shape[1] == 0:
        raise ValueError(f"unroll expected at least one time step, got x of shape {shape_of(x)}")
    check_dtype(cell, x)
    return x


def check_lengths(lengths, x: torch.Tensor) -> torch.Tensor:
    """``lengths`` for a padded batch ``x`` (batch, time, ...): one integer per row, each between
    1 and ``time``. Returned as a 1-D long tensor on ``x``'s device."""
    batch, time = x.shape[0], x.shape[1]
    want = f"one length per row of x (batch={batch}), each an int between 1 and time={time}"
    if isinstance(lengths, torch.Tensor):
        if lengths.dim() != 1:
            raise ValueError(f"unroll expected lengths as a 1-D tensor or a list: {want}; got a "
                             f"{lengths.dim()}-D tensor of shape {shape_of(lengths)}")
        if lengths.dtype.is_floating_point or lengths.dtype.is_complex or lengths.dtype == torch.bool:
            raise ValueError(f"unroll expected lengths of an integer dtype: {want}; got {lengths.dtype}")
        values = lengths.to(device=x.device, dtype=torch.long)
    elif isinstance(lengths, (list, tuple)):
        wrong = [v for v in lengths if isinstance(v, bool) or not isinstance(v, int)]
        if wrong:
            raise ValueError(f"unroll expected lengths as ints: {want}; got {wrong[0]!r} "
                             f"({type(wrong[0]).__name__})")
        values = torch.tensor(list(lengths), dtype=torch.long, device=x.device)
    else:
        raise ValueError(f"unroll expected lengths as a list of ints or a 1-D tensor: {want}; "
                         f"got {type(lengths).__name__}")
    if values.numel() != batch:
        raise ValueError(f"unroll expected {want}; got {values.numel()} lengths")
    for row, value in enumerate(values.tolist()):
        if not 1 <= value <= time:
            raise ValueError(f"unroll expected {want}; got {value} for row {row}")
    return values


def check_dtype(cell, x) -> None:
    dtype = cell.weight_h.dtype
    if x.dtype != dtype:
        raise ValueError(
            f"{type(cell).__name__} has {dtype} weights, got input of dtype {x.dtype}; "
            f"convert one of them (x.to({dtype}) or cell.to({x.dtype}))"
        )


def check_states(cell, state, batch: int) -> tuple[torch.Tensor, ...]:
    """Return the state as a tuple of ``(batch, hidden_size)`` tensors, one per name in
    ``cell.state_names``; complain about the count or any shape."""
    name = type(cell).__name__
    names = cell.state_names
    want = f"(batch={batch}, hidden_size={cell.hidden_size})"
    if isinstance(state, torch.Tensor):
        parts = (state,)
    elif isinstance(state, (tuple, list)):
        parts = tuple(state)
    else:
        raise ValueError(f"{name} expected its state as {_state_form(names)}, got {type(state).__name__}")
    if len(parts) != len(names):
        given = "one tensor" if isinstance(state, torch.Tensor) else f"a {type(state).__name__} of {len(parts)}"
        raise ValueError(f"{name} expected its state as {_state_form(names)}, got {given}")
    for label, part in zip(names, parts, strict=True):
        require_tensor(part, f"{name} state {label}")
        if tuple(part.shape) != (batch, cell.hidden_size):
            hint = ""
            if part.dim() == 3 and part.shape[0] == 1:
                hint = f"; states from torch.nn have a leading layer axis: pass {label}[0]"
            raise ValueError(f"{name} expected state {label} of shape {want}, got {shape_of(part)}{hint}")
        check_dtype(cell, part)
    return parts


def _state_form(names) -> str:
    if len(names) == 1:
        return f"one tensor {names[0]}"
    return "a tuple (" + ", ".join(names) + ")"


def check_size(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{what} must be a positive int, got {value!r}")
    return value
