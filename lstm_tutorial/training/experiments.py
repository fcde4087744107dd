"""Small repeated experiments: train one model per seed and setting, report how many succeed."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable

import torch
from torch.nn.functional import binary_cross_entropy_with_logits, mse_loss

from ..cells.lstm import LSTMCell
from ..data.tasks import GENDER_TOKENS, NUMBER_TOKENS, _current_subject, gender_stream, number_stream, remember_bit
from ..models.model import SequenceModel
from .loop import reproducible, train


def remember_bit_accuracy(
    make_cell: Callable[[], torch.nn.Module],
    gap: int,
    seed: int,
    steps: int = 300,
    batch: int = 32,
    noise: float = 1.0,
    lr: float = 1e-2,
    test_size: int = 1000,
) -> float:
    """Train ``make_cell()`` with a linear read-out on ``remember_bit`` with this ``gap``, one
    seed; return its accuracy on ``test_size`` fresh sequences (0.5 is guessing)."""
    reproducible(seed)
    model = SequenceModel(make_cell(), 1, readout="last")

    def loss(logits, y):
        return binary_cross_entropy_with_logits(logits[:, 0], y)

    with contextlib.redirect_stdout(io.StringIO()):  # one line per setting is printed instead
        train(model, lambda g: remember_bit(batch, gap, noise, generator=g), loss, steps, lr=lr, seed=seed)
    x, y = remember_bit(test_size, gap, noise, generator=torch.Generator().manual_seed(10_000 + seed))
    with torch.no_grad():
        return ((model(x)[:, 0] > 0).float() == y).float().mean().item()


def remember_bit_successes(make_cell, gaps, seeds, threshold: float = 0.9, **kwargs) -> dict[int, list[float]]:
    """``remember_bit_accuracy`` for every gap and seed; prints a line per gap with the number
    of seeds whose accuracy reached ``threshold``. Returns {gap: [accuracy per seed]}."""
    results = {}
    for gap in gaps:
        accuracies = [remember_bit_accuracy(make_cell, gap, seed, **kwargs) for seed in seeds]
        results[gap] = accuracies
        solved = sum(a >= threshold for a in accuracies)
        shown = " ".join(f"{a:.2f}" for a in accuracies)
        print(f"gap {gap:>4}: {solved}/{len(accuracies)} seeds reach {threshold:.0%}   accuracies {shown}", flush=True)
    return results


TOYS = {
    # name: (stream, vocabulary, loss)
    "gender": (gender_stream, GENDER_TOKENS, binary_cross_entropy_with_logits),
    "number": (number_stream, NUMBER_TOKENS, mse_loss),
}


def train_toy(task: str, hidden_size: int = 1, steps: int = 300, seed: int = 0, lr: float = 3e-2):
    """Train an ``LSTMCell`` with a linear read-out on one of the toy languages (``"gender"``
    or ``"number"``, see ``tasks``), 32 streams of 30 tokens per step. Returns the model (its
    cell is ``model.cell``) and the loss at every step. One unit is the default: its gates
    can be read one number at a time."""
    if task not in TOYS:
        raise ValueError(f"task must be one of {sorted(TOYS)}, got {task!r}")
    stream, vocabulary, loss = TOYS[task]
    reproducible(seed)
    model = SequenceModel(LSTMCell(len(vocabulary), hidden_size), 1)
    def batch(generator):
        return stream(32, 30, generator=generator)[:2]

    losses = train(model, batch, loss, steps, lr=lr, seed=seed, name=f"{task} toy")
    return model, losses


def toy_example(task: str, steps: int = 30, min_subjects: int = 3, seed: int = 0):
    """One stream of the toy language with at least ``min_subjects`` subjects, both kinds of
    subject among them (for the number toy: a verb slot after each kind), for plots: ``x`` (1, steps, vocabulary), its
    ``tokens`` (steps,) and their words."""
    if task not in TOYS:
        raise ValueError(f"task must be one of {sorted(TOYS)}, got {task!r}")
    stream, vocabulary, _ = TOYS[task]
    x, _, tokens = stream(256, steps, generator=torch.Generator().manual_seed(seed))
    is_subject = (tokens == 1) | (tokens == 2)
    both = (tokens == 1).any(dim=1) & (tokens == 2).any(dim=1)
    if task == "number":
        # a verb after each kind of subject, so that both verb forms are shown
        current = _current_subject(tokens, is_subject)
        verb = tokens == 3
        both = ((verb & (current == 1)).any(dim=1)) & ((verb & (current == 2)).any(dim=1))
    k = int(torch.nonzero((is_subject.sum(dim=1) >= min_subjects) & both)[0])
    return x[k : k + 1], tokens[k], [vocabulary[t] for t in tokens[k].tolist()]
