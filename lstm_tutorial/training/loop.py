"""Seeded, small, visible training: the loop every chapter uses."""

from __future__ import annotations

import random
from collections.abc import Callable

import numpy as np
import torch


def reproducible(seed: int = 0, threads: int = 1) -> None:
    """Seed Python, NumPy and torch, and use ``threads`` CPU threads.

    One thread is the default: the book's models are tiny, and on a small machine a second
    thread makes each step slower and its timing erratic rather than faster.
    (Data is drawn from generators of its own, seeded separately: see ``train``.)
    """
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)


def train(
    model: torch.nn.Module,
    make_batch: Callable[[torch.Generator], tuple[torch.Tensor, torch.Tensor]],
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    steps: int,
    *,
    lr: float = 1e-2,
    clip: float | None = 1.0,
    seed: int = 0,
    log_every: int | None = None,
    name: str = "",
) -> list[float]:
    """Adam on a fresh batch each step, with gradient-norm clipping; returns the loss per step.

    ``loss_fn`` may return one loss per member of an ensemble (``LSTMEnsemble``): the losses
    are then recorded as lists, and each member's gradient is clipped on its own.

    ``make_batch(generator)`` draws ``(x, y)`` from a generator seeded with ``seed``, so the
    data is the same on every run. Progress is printed ``log_every`` steps (default: five
    lines per run), as plain lines that read the same in a notebook and in the built book.
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    log_every = log_every or max(1, steps // 5)
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    label = f"{name}: " if name else ""
    for step in range(1, steps + 1):
        x, y = make_batch(generator)
        loss = loss_fn(model(x), y)
        optimizer.zero_grad()
        # an ensemble's loss has one entry per member; they share no parameters
        loss.sum().backward()
        if clip is not None:
            if hasattr(model, "clip_grad_norm_"):
                model.clip_grad_norm_(clip)  # each member of an ensemble on its own
            else:
                torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        losses.append(loss.item() if loss.dim() == 0 else loss.detach().tolist())
        if step % log_every == 0 or step == steps:
            recent = torch.tensor(losses[-log_every:]).mean(dim=0)
            # no timings printed: a rerun must print exactly the same text
            if recent.dim() == 0:
                print(f"{label}step {step:>5}/{steps}  loss {recent:.4f}", flush=True)
            else:
                print(
                    f"{label}step {step:>5}/{steps}  loss of {len(recent)} members: "
                    f"mean {recent.mean():.4f}, best {recent.min():.4f}, worst {recent.max():.4f}",
                    flush=True,
                )
    return losses


def train_epochs(
    model: torch.nn.Module,
    loader,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    epochs: int,
    *,
    lr: float = 1e-2,
    clip: float | None = 1.0,
    log_every: int | None = None,
    evaluate: Callable[[], float] | None = None,
) -> list[float]:
    """Adam over a ``DataLoader`` for ``epochs`` passes, clipping the gradient norm; returns the
    mean training loss of each epoch. ``evaluate()``, if given, is printed with the progress
    (e.g. the validation error), ``log_every`` epochs (default: five lines per run)."""
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}")
    log_every = log_every or max(1, epochs // 5)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for epoch in range(1, epochs + 1):
        total, count = 0.0, 0
        for x, y in loader:
            loss = loss_fn(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            if clip is not None:
                torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
            optimizer.step()
            total, count = total + loss.item() * len(x), count + len(x)
        history.append(total / count)
        if epoch % log_every == 0 or epoch == epochs:
            extra = ""
            if evaluate is not None:
                with torch.no_grad():
                    extra = f"  validation {evaluate():.4f}"
            print(f"epoch {epoch:>3}/{epochs}  training loss {history[-1]:.4f}{extra}", flush=True)
    return history
