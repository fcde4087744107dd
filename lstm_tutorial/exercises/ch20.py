"""Checkers for the exercises of chapter 20 (sequences of different lengths)."""

from __future__ import annotations

import contextlib
import io

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from ._harness import _describe_type, _is_number, call_student, case, check_function, compare, guarded

__all__ = ["check_bidirectional_summary", "check_masked_mean_loss", "check_pad_at_start"]


def _rows(batch: int) -> torch.Tensor:
    return torch.arange(batch)


# -- ex-bidirectional-summary: h_n[-2] and h_n[-1] found in a packed bidirectional run's output ---------------


def _summary(output, lengths, *, forward="last real", backward="first", swap=False, squeeze=False):
    hidden = output.shape[2] // 2
    at = {
        "last real": lambda o: o[_rows(o.shape[0]), lengths - 1],
        "last": lambda o: o[:, -1],
        "first": lambda o: o[:, 0],
    }
    halves = [at[forward](output)[:, :hidden], at[backward](output)[:, hidden:]]
    if swap:
        halves = halves[::-1]
    result = torch.cat(halves, dim=1)
    return result.squeeze() if squeeze else result


# (input_size, hidden_size, lengths, time): the first case has no row of full length, so that every slip
# below gives other numbers than the right read (and `lengths` in place of `lengths - 1` reads zeros rather
# than failing); then a row of one step and rows of full length; a batch of one (where .squeeze() drops the
# batch axis); hidden size 1; every row of full length (where output[:, -1] has the right forward half);
# one step in all.
_SUMMARY_SIZES = [
    (2, 3, [5, 2, 6, 3], 8),
    (3, 2, [6, 1, 4, 6, 2], 6),
    (2, 4, [3], 5),
    (1, 1, [4, 2, 1], 4),
    (2, 3, [5, 5, 5], 5),
    (2, 2, [1, 1], 1),
]


def _summary_cases():
    gen = torch.Generator().manual_seed(20)
    cases = []
    for inputs, hidden, lengths, time in _SUMMARY_SIZES:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(2000 + len(cases))
            lstm = nn.LSTM(inputs, hidden, batch_first=True, bidirectional=True, dtype=torch.float64)
        lengths = torch.tensor(lengths)
        x = torch.randn(len(lengths), time, inputs, generator=gen, dtype=torch.float64)
        with torch.no_grad():
            packed, _ = lstm(pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False))
        output, _ = pad_packed_sequence(packed, batch_first=True, total_length=time)
        cases.append(case(output, lengths, description=(
            f"the output of nn.LSTM({inputs}, {hidden}, bidirectional=True), shape {list(output.shape)}, "
            f"lengths {lengths.tolist()}")))
    return cases


_SUMMARY_MISTAKES = [
    (lambda o, n: _summary(o, n, forward="last", backward="last"),
     "output[:, -1]: its forward half is padding (zeros) for every row shorter than the batch, and its "
     "backward half is the backward direction after one step; the forward direction ends at lengths - 1, "
     "the backward one at step 0"),
    (lambda o, n: _summary(o, n, backward="last real"),
     "the backward half at lengths - 1, where the backward direction starts: it ends at step 0"),
    (lambda o, n: _summary(o, n, backward="last"),
     "the backward half at the last step, output[:, -1]: the backward direction ends at step 0"),
    # output[:, -1] and step `lengths` both read zeros for the forward half wherever they do not fail (a row
    # of full length has no step `lengths`): one message for both
    (lambda o, n: _summary(o, n, forward="last"),
     "the forward half read at a padded step, which holds zeros: at output[:, -1] (padding for every row "
     "shorter than the batch), or at step lengths, one past the last real step; the forward direction ends "
     "at lengths - 1"),
    (lambda o, n: _summary(o, n, forward="first"),
     "the forward half at step 0, where the forward direction starts: it ends at lengths - 1"),
    (lambda o, n: _summary(o, n, swap=True),
     "the halves swapped: forward first, as h_n[-2] comes before h_n[-1]"),
    (lambda o, n: _summary(o, n, squeeze=True),
     "`.squeeze()`, which drops every axis of size 1: with one row it removes the batch axis too"),
    (lambda o, n: _summary(o, n)[:, : o.shape[2] // 2],
     "only the forward half: the result is (batch, 2 * hidden), forward then backward"),
    (lambda o, n: _summary(o, n)[:, o.shape[2] // 2:],
     "only the backward half: the result is (batch, 2 * hidden), forward then backward"),
]


@guarded
def check_bidirectional_summary(bidirectional_summary) -> bool:
    """Check ``bidirectional_summary(output, lengths)``: from the padded output (batch, time, 2 * hidden) of a
    packed bidirectional ``nn.LSTM``, each row's forward state at ``lengths - 1`` and backward state at step 0,
    side by side: ``torch.cat([h_n[-2], h_n[-1]], dim=1)``."""
    return check_function(
        bidirectional_summary,
        _summary,
        _summary_cases(),
        name="bidirectional_summary",
        mistakes=_SUMMARY_MISTAKES,
    )


# -- ex-masked-mean-loss: the mean over the real steps ----------------------------------------------------------


def _real(losses, lengths, shift=0):
    return torch.arange(losses.shape[1]) < (lengths + shift).unsqueeze(1)


def _masked_mean(losses, lengths):
    return losses[_real(losses, lengths)].mean()


def _row_means(losses, lengths):
    real = _real(losses, lengths)
    return (torch.where(real, losses, 0).sum(dim=1) / lengths).mean()


_MEAN_MISTAKES = [
    # first: on finite padding it gives the right number, so it can only match where the padding holds a NaN or
    # an infinity, and there the plain mean gives NaN too
    (lambda loss, n: (loss * _real(loss, n)).sum() / _real(loss, n).sum(),
     "the losses multiplied by the mask: a NaN or an infinity at a padded step times 0 is NaN, and it spreads "
     "to the sum; leave the padded steps out instead (losses[real], or torch.where(real, losses, 0))"),
    (lambda loss, n: loss.mean(), "the plain mean over every step, the padding included"),
    (_row_means,
     "the mean of each row's mean: that weighs a short row's steps more than a long row's; the mean over "
     "the real steps divides by lengths.sum()"),
    (lambda loss, n: loss[_real(loss, n, 1)].mean(),
     "one padded step too many in every row: the real steps of a row of length n are 0 to n - 1, "
     "arange(time) < lengths"),
    (lambda loss, n: loss[_real(loss, n, -1)].mean(),
     "one real step too few in every row: the real steps of a row of length n are 0 to n - 1, "
     "arange(time) < lengths"),
    (lambda loss, n: loss[_real(loss, n)].sum() / loss.numel(),
     "the real steps' sum divided by every step, batch * time: divide by the number of real steps"),
    (lambda loss, n: loss[_real(loss, n)].sum() / loss.shape[0],
     "the real steps' sum divided by the batch size: divide by the number of real steps"),
    (lambda loss, n: loss[_real(loss, n)].sum(), "the sum of the real steps, not their mean"),
    (lambda loss, n: loss.sum() / n.sum(),
     "every step summed, the padding included, divided by the number of real steps"),
    (lambda loss, n: loss[~_real(loss, n)].mean(), "the mean over the padded steps: the mask the wrong way round"),
]


# (lengths, time, dtype, what the padded steps hold): the first case has rows of different lengths and no row
# of full length, so every slip above gives another number; then float32, a row of one step, one row (where the
# mean of row means is right), every row of full length (where the plain mean is right), one step; and two
# batches whose padding holds NaN and infinities, as a loss can at a step nobody meant (log of 0), where
# multiplying by the mask gives NaN.
_MEAN_SIZES = [
    ([5, 2, 7, 3], 8, torch.float64, "large"),
    ([1, 6, 4], 6, torch.float32, "large"),
    ([3], 5, torch.float64, "large"),
    ([4, 4, 4], 4, torch.float32, "large"),
    ([1, 1], 1, torch.float64, "large"),
    ([8, 1, 3, 5, 2], 8, torch.float32, "large"),
    ([2, 5, 3], 6, torch.float32, "nan"),
    ([4, 1, 6, 2], 7, torch.float64, "inf"),
]
_PADDING = {"large": "large losses", "nan": "NaN", "inf": "infinities"}


def _mean_cases():
    gen = torch.Generator().manual_seed(2020)
    cases = []
    for lengths, time, dtype, padding in _MEAN_SIZES:
        lengths = torch.tensor(lengths)
        losses = 3 * torch.rand(len(lengths), time, generator=gen, dtype=dtype)
        # the padded steps hold large losses, as they would for a target nobody meant, or NaN, or infinities
        pad = 5 + 5 * torch.rand(len(lengths), time, generator=gen, dtype=dtype)
        if padding == "nan":
            pad = torch.full_like(pad, float("nan"))
        elif padding == "inf":
            pad = torch.where(torch.arange(time) % 2 == 0, float("inf"), pad)  # some infinite, some finite
        losses = torch.where(_real(losses, lengths), losses, pad)
        cases.append(case(losses, lengths, description=(
            f"losses of shape {list(losses.shape)} ({str(dtype).removeprefix('torch.')}), "
            f"lengths {lengths.tolist()}, {_PADDING[padding]} at the padded steps")))
    return cases


@guarded
def check_masked_mean_loss(masked_mean_loss) -> bool:
    """Check ``masked_mean_loss(losses, lengths)``: the mean of ``losses`` (batch, time) over the real steps, as a
    0-d tensor through which the gradient reaches every real step equally, and no padded step."""
    name = "masked_mean_loss"
    cases = _mean_cases()
    first = cases[0]
    ok, got = call_student(masked_mean_loss, name, *(a.clone() for a in first.args), on=f"on {first.description}")
    if not ok:
        return False
    if _is_number(got) or (isinstance(got, torch.Tensor) and got.numel() == 1 and got.dim() > 0):
        what = _describe_type(got) if _is_number(got) else f"a tensor of shape {list(got.shape)}"
        print(f"✗ {name} returns {what}: return the 0-d tensor itself (no .item(), no extra axis), so that "
              f"backward() can go through it (on {first.description}).")
        return False
    quiet = io.StringIO()
    with contextlib.redirect_stdout(quiet):
        values_right = check_function(masked_mean_loss, _masked_mean, cases, name=name, mistakes=_MEAN_MISTAKES)
    if not values_right:
        print(quiet.getvalue().strip())
        return False
    for number, c in enumerate(cases, start=1):
        losses = c.args[0].clone().requires_grad_(True)
        on = f"on input {number} of {len(cases)}: {c.description}"
        ok, got = call_student(masked_mean_loss, name, losses, c.args[1].clone(), on=on)
        if not ok:
            return False
        if not isinstance(got, torch.Tensor) or not got.requires_grad:
            print(f"✗ {name} gives the right number, but cut from the graph: backward() cannot reach the losses "
                  f"through it (no .item(), .detach() or torch.tensor(...) on the way) ({on}).")
            return False
        (grad,) = torch.autograd.grad(got.sum(), losses, allow_unused=True)
        real = _real(losses, c.args[1])
        expected = real.to(losses.dtype) / real.sum()
        if grad is None:
            grad = torch.zeros_like(losses)
        if compare(expected, grad, atol=1e-6, rtol=1e-4) is not None:
            padded = grad[~real].abs().max().item() if (~real).any() else 0.0
            where = ("reaches the padded steps" if padded > 1e-9 else
                     "does not reach every real step equally (1 / the number of real steps each)")
            print(f"✗ {name} gives the right number, but its gradient {where} ({on}).")
            return False
    print(f"✓ {name} gives the mean over the real steps on all {len(cases)} inputs, and its gradient reaches "
          "every real step equally and no padded step.")
    return True


# -- ex-left-padding: a batch padded at the start ----------------------------------------------------------------


def _at_start(x, lengths):
    return torch.stack([torch.cat([row[n:], row[:n]]) for row, n in zip(x, lengths.tolist(), strict=True)])


def _moved(x, lengths, shift):
    """Each row rolled right by ``shift(time, n)`` steps."""
    time = x.shape[1]
    return torch.stack([row.roll(shift(time, n)) for row, n in zip(x, lengths.tolist(), strict=True)])


def _reversed_within(x, lengths):
    return torch.stack([torch.cat([row[:n].flip(0), row[n:]]) for row, n in zip(x, lengths.tolist(), strict=True)])


_START_MISTAKES = [
    (lambda x, n: x.clone(), "the batch as it was given, padded at the end: the padding should come first"),
    (lambda x, n: x.flip(1),
     "the whole row reversed: its padding comes first, but its characters are in reverse order too"),
    (_reversed_within,
     "each row reversed within its length, as the backward direction reads it: the padding should come first, "
     "and the characters in their order"),
    (lambda x, n: _moved(x, n, lambda time, k: k),
     "each row rolled by its length: a row of length n has time - n padded steps, and it has to move right by "
     "that many"),
    (lambda x, n: _moved(x, n, lambda time, k: time - k + 1),
     "each row moved one step too far: a row of length n has time - n padded steps, which come first"),
    (lambda x, n: _moved(x, n, lambda time, k: time - k - 1),
     "each row moved one step short: a row of length n has time - n padded steps, which come first"),
]

# (lengths, time): no row of full length in the first case (every row moves); a row of one step and one of
# full length (which stays as it is); a batch of one; every row of full length; one step.
_START_SIZES = [([3, 5, 1, 4], 7), ([6, 1, 3, 6, 2], 6), ([2], 5), ([4, 4], 4), ([1, 1, 1], 1)]


def _start_cases():
    gen = torch.Generator().manual_seed(2021)
    cases = []
    for lengths, time in _START_SIZES:
        lengths = torch.tensor(lengths)
        # characters are indices 2 to 98 (0 is the padding, 1 a character outside the vocabulary)
        x = torch.randint(2, 99, (len(lengths), time), generator=gen)
        x = x.masked_fill(~_real(x, lengths), 0)
        cases.append(case(x, lengths, description=f"x of shape {list(x.shape)}, lengths {lengths.tolist()}"))
    return cases


@guarded
def check_pad_at_start(pad_at_start) -> bool:
    """Check ``pad_at_start(x, lengths)``: the rows of ``x`` (batch, time), padded at the end with index 0,
    padded at the start instead: row ``b``'s ``time - lengths[b]`` padded steps first, then its real steps in
    their order, as a long tensor of the same shape."""
    name = "pad_at_start"
    cases = _start_cases()
    first = cases[0]
    ok, got = call_student(pad_at_start, name, *(a.clone() for a in first.args), on=f"on {first.description}")
    if not ok:
        return False
    if isinstance(got, torch.Tensor) and (got.dtype.is_floating_point or got.dtype == torch.bool):
        print(f"✗ {name} returns a tensor of {str(got.dtype).removeprefix('torch.')}: keep the indices' integer "
              f"dtype (torch.long), which nn.Embedding needs (on {first.description}).")
        return False
    return check_function(pad_at_start, _at_start, cases, name=name, mistakes=_START_MISTAKES, atol=0, rtol=0)
