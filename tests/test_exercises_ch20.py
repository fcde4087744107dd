"""The checkers of chapter 20's exercises accept right answers however they are written, refuse wrong
ones (naming the mistake where they know it), never raise, and print exactly one line."""

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

import lstm_tutorial as lt
from lstm_tutorial.exercises import ch20
from lstm_tutorial.lengths import at_lengths, pad_lines, reverse_within_lengths
from lstm_tutorial.text import corpus


def run(check, answer, capsys):
    ok = check(answer)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out
    return ok, out


# -- ex-bidirectional-summary -------------------------------------------------------------------------------


def bidirectional_summary(output, lengths):
    hidden = output.shape[2] // 2
    rows = torch.arange(output.shape[0])
    return torch.cat([output[rows, lengths - 1, :hidden], output[:, 0, hidden:]], dim=1)


def with_gather(output, lengths):
    hidden = output.size(-1) // 2
    index = (lengths - 1).view(-1, 1, 1).expand(-1, 1, output.size(2))
    last = output.gather(1, index).squeeze(1)
    return torch.cat((last[:, :hidden], output[:, 0, hidden:]), dim=-1)


def with_a_loop(output, lengths):
    hidden = output.shape[2] // 2
    rows = []
    for b, n in enumerate(lengths.tolist()):
        rows.append(torch.cat([output[b, n - 1, :hidden], output[b, 0, hidden:]]))
    return torch.stack(rows)


def with_a_view(output, lengths):
    batch, time, features = output.shape
    directions = output.view(batch, time, 2, features // 2)
    forward = at_lengths(directions[:, :, 0], lengths)  # the book's helper
    return torch.cat([forward, directions[:, 0, 1]], dim=1)


def in_float32(output, lengths):
    return bidirectional_summary(output.float(), lengths)


def by_repacking(output, lengths):
    """The lengths as a list, and select() with index_select for the rows."""
    hidden = output.shape[2] // 2
    ends = [n - 1 for n in lengths.tolist()]
    forward = torch.stack([output.select(0, b).select(0, t)[:hidden] for b, t in enumerate(ends)])
    backward = output.index_select(1, torch.tensor([0])).squeeze(1)[:, hidden:]
    return torch.cat([forward, backward], 1)


RIGHT_SUMMARIES = [bidirectional_summary, with_gather, with_a_loop, with_a_view, in_float32, by_repacking]


@pytest.mark.parametrize("answer", RIGHT_SUMMARIES, ids=lambda f: f.__name__)
def test_right_summaries_pass(answer, capsys):
    ok, out = run(lt.exercises.check_bidirectional_summary, answer, capsys)
    assert ok and out.startswith("✓"), out


def _summary(forward=lambda o, n: o[torch.arange(len(n)), n - 1], backward=lambda o, n: o[:, 0], swap=False,
             squeeze=False):
    def answer(output, lengths):
        hidden = output.shape[2] // 2
        halves = [forward(output, lengths)[:, :hidden], backward(output, lengths)[:, hidden:]]
        result = torch.cat(halves[::-1] if swap else halves, dim=1)
        return result.squeeze() if squeeze else result
    return answer


def _last(o, n):
    return o[:, -1]


def _at_end(o, n):
    return o[torch.arange(len(n)), n - 1]


# (the answer, a phrase its message must contain)
WRONG_SUMMARIES = {
    "output[:, -1]": (lambda o, n: o[:, -1], "output[:, -1]: its forward half is padding"),
    "h_n of an unpacked run, read as the last step": (_summary(_last, _last), "output[:, -1]"),
    "backward at lengths - 1": (_summary(backward=_at_end), "the backward half at lengths - 1"),
    "backward at -1": (_summary(backward=_last), "the backward half at the last step"),
    "forward at -1": (_summary(forward=_last), "the forward half read at a padded step"),
    "lengths, not lengths - 1": (_summary(forward=lambda o, n: o[torch.arange(len(n)), n]),
                                 "one past the last real step"),
    "forward at 0": (_summary(forward=lambda o, n: o[:, 0]), "the forward half at step 0"),
    "halves swapped": (_summary(swap=True), "the halves swapped"),
    ".squeeze()": (_summary(squeeze=True), "`.squeeze()`"),
    "forward only": (lambda o, n: _at_end(o, n)[:, : o.shape[2] // 2], "only the forward half"),
    "backward only": (lambda o, n: o[:, 0, o.shape[2] // 2:], "only the backward half"),
    "the whole output at lengths - 1": (_at_end, "the backward half at lengths - 1"),
    "the mean over real steps": (lambda o, n: o.sum(1) / n.unsqueeze(1), "wrong values"),
    "time and batch confused": (lambda o, n: torch.cat([o[n - 1, 0, : o.shape[2] // 2], o[0, :, o.shape[2] // 2:]],
                                                       dim=1), "raised IndexError"),
}


@pytest.mark.parametrize("name", WRONG_SUMMARIES)
def test_wrong_summaries_are_refused_and_named(name, capsys):
    answer, phrase = WRONG_SUMMARIES[name]
    ok, out = run(lt.exercises.check_bidirectional_summary, answer, capsys)
    assert not ok and out.startswith("✗") and phrase in out, out


def test_the_squeeze_is_caught_at_batch_1(capsys):
    ok, out = run(lt.exercises.check_bidirectional_summary, WRONG_SUMMARIES[".squeeze()"][0], capsys)
    assert "should have shape [1, 8], got [8]" in out and "lengths [3]" in out


def test_a_summary_that_changes_the_output_is_refused(capsys):
    def wrong(output, lengths):
        result = bidirectional_summary(output, lengths).clone()
        output.zero_()
        return result

    ok, out = run(lt.exercises.check_bidirectional_summary, wrong, capsys)
    assert not ok and "changes output in place" in out


def test_a_summary_that_changes_the_lengths_is_refused(capsys):
    def wrong(output, lengths):
        lengths -= 1  # "to index with"
        hidden = output.shape[2] // 2
        return torch.cat([output[torch.arange(len(lengths)), lengths, :hidden], output[:, 0, hidden:]], dim=1)

    ok, out = run(lt.exercises.check_bidirectional_summary, wrong, capsys)
    assert not ok and "changes lengths in place" in out


@pytest.mark.parametrize("returned", [None, "summary", 3.0, (torch.zeros(2), torch.zeros(2)), [1, 2]],
                         ids=["None", "str", "float", "tuple", "list"])
def test_odd_summaries_do_not_crash(returned, capsys):
    ok, out = run(lt.exercises.check_bidirectional_summary, lambda o, n: returned, capsys)
    assert not ok and out.startswith("✗")


def test_a_numpy_summary_is_refused_without_a_crash(capsys):
    ok, out = run(lt.exercises.check_bidirectional_summary, lambda o, n: np.asarray(bidirectional_summary(o, n)),
                  capsys)
    assert not ok and "should be a tensor" in out


def test_the_summary_starter_is_not_implemented(capsys):
    def starter(output, lengths):
        raise NotImplementedError

    ok, out = run(lt.exercises.check_bidirectional_summary, starter, capsys)
    assert not ok and "not implemented yet" in out


def test_the_summary_cases_are_packed_runs_with_the_edge_sizes():
    sizes = []
    for c in ch20._summary_cases():
        output, lengths = c.args
        sizes.append((output.shape[0], output.shape[1], output.shape[2] // 2, lengths))
        padded = torch.arange(output.shape[1]) >= lengths.unsqueeze(1)
        assert (output[padded] == 0).all()
    assert any(batch == 1 for batch, *_ in sizes)
    assert any(hidden == 1 for _, _, hidden, _ in sizes)
    assert any((n == 1).any() for *_, n in sizes)
    assert any((n == time).all() for _, time, _, n in sizes)
    assert sizes[0][3].max() < sizes[0][1]  # no row of full length in the first case


def test_the_reference_is_h_n():
    for c in ch20._summary_cases():
        output, lengths = c.args
        hidden = output.shape[2] // 2
        gen = torch.Generator().manual_seed(0)
        lstm = nn.LSTM(2, hidden, batch_first=True, bidirectional=True, dtype=torch.float64)
        x = torch.randn(output.shape[0], output.shape[1], 2, generator=gen, dtype=torch.float64)
        packed, (h_n, _) = lstm(pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False))
        out, _ = pad_packed_sequence(packed, batch_first=True, total_length=output.shape[1])
        torch.testing.assert_close(ch20._summary(out, lengths), torch.cat([h_n[-2], h_n[-1]], dim=1))


# -- ex-masked-mean-loss ------------------------------------------------------------------------------------


def masked_mean_loss(losses, lengths):
    real = torch.arange(losses.shape[1]) < lengths.unsqueeze(1)
    return losses[real].mean()


def by_multiplying(losses, lengths):
    mask = (torch.arange(losses.size(1))[None, :] < lengths[:, None]).to(losses.dtype)
    return (losses * mask).sum() / mask.sum()


def with_where(losses, lengths):
    real = torch.arange(losses.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)
    return torch.where(real, losses, torch.zeros_like(losses)).sum() / lengths.sum()


def with_a_loop_over_rows(losses, lengths):
    total = losses.new_zeros(())
    for b, n in enumerate(lengths.tolist()):
        total = total + losses[b, :n].sum()
    return total / lengths.sum()


def with_masked_fill(losses, lengths):
    pad = torch.arange(losses.shape[1]) >= lengths[:, None]
    return losses.masked_fill(pad, 0).sum() / (~pad).sum()


def through_a_mask_of_floats(losses, lengths):
    mask = torch.zeros_like(losses)
    for b, n in enumerate(lengths):
        mask[b, :n] = 1.0
    return (losses * mask).sum().div(mask.sum()).reshape(())


def with_masked_select(losses, lengths):
    keep = torch.arange(losses.size(1)).expand_as(losses) < lengths.view(-1, 1)
    return losses.masked_select(keep).sum() / keep.sum()


def in_float64(losses, lengths):
    return masked_mean_loss(losses.double(), lengths)


RIGHT_MEANS = [masked_mean_loss, with_where, with_a_loop_over_rows, with_masked_fill, with_masked_select,
               in_float64]


@pytest.mark.parametrize("answer", RIGHT_MEANS, ids=lambda f: f.__name__)
def test_right_means_pass(answer, capsys):
    ok, out = run(lt.exercises.check_masked_mean_loss, answer, capsys)
    assert ok and out.startswith("✓"), out


def _mask(losses, lengths, shift=0):
    return torch.arange(losses.shape[1]) < (lengths + shift).unsqueeze(1)


WRONG_MEANS = {
    "plain mean": (lambda loss, n: loss.mean(), "the plain mean over every step"),
    "mean of row means": (lambda loss, n: torch.stack([loss[b, :k].mean() for b, k in enumerate(n.tolist())]).mean(),
                          "the mean of each row's mean"),
    "<= lengths": (lambda loss, n: loss[_mask(loss, n, 1)].mean(), "one padded step too many"),
    "< lengths - 1": (lambda loss, n: loss[_mask(loss, n, -1)].mean(), "one real step too few"),
    "divided by every step": (lambda loss, n: (loss * _mask(loss, n)).sum() / loss.numel(), "divided by every step"),
    "divided by the batch": (lambda loss, n: (loss * _mask(loss, n)).sum() / len(n), "divided by the batch size"),
    "the sum": (lambda loss, n: loss[_mask(loss, n)].sum(), "the sum of the real steps"),
    "no mask, divided by lengths.sum()": (lambda loss, n: loss.sum() / n.sum(),
                                          "every step summed, the padding included"),
    "mask inverted": (lambda loss, n: loss[~_mask(loss, n)].mean(), "the mask the wrong way round"),
    ".item()": (lambda loss, n: masked_mean_loss(loss, n).item(), "returns a float"),
    "a one-item axis": (lambda loss, n: masked_mean_loss(loss, n).reshape(1), "returns a tensor of shape [1]"),
    ".detach()": (lambda loss, n: masked_mean_loss(loss, n).detach(), "cut from the graph"),
    "torch.tensor of the value": (lambda loss, n: torch.tensor(masked_mean_loss(loss, n).item()), "cut from the graph"),
    "wrong shape": (lambda loss, n: loss[:, 0], "should have shape []"),
    # right on finite padding, NaN where the padding holds NaN or an infinity
    "multiplied by a mask of floats": (by_multiplying, "the losses multiplied by the mask"),
    "multiplied by a mask built in a loop": (through_a_mask_of_floats, "the losses multiplied by the mask"),
    "multiplied by the boolean mask": (lambda loss, n: (loss * _mask(loss, n)).sum() / n.sum(),
                                       "the losses multiplied by the mask"),
}


@pytest.mark.parametrize("name", WRONG_MEANS)
def test_wrong_means_are_refused_and_named(name, capsys):
    answer, phrase = WRONG_MEANS[name]
    ok, out = run(lt.exercises.check_masked_mean_loss, answer, capsys)
    assert not ok and out.startswith("✗") and phrase in out, out


def test_a_mean_whose_gradient_reaches_the_padding_is_refused(capsys):
    def leaky(losses, lengths):
        # the right value (a zero added), but that zero is not a constant: its gradient reaches every step
        finite = losses.nan_to_num()
        return masked_mean_loss(losses, lengths) + (finite - finite.detach()).sum()

    ok, out = run(lt.exercises.check_masked_mean_loss, leaky, capsys)
    assert not ok and "its gradient reaches the padded steps" in out, out

    def subtracted(losses, lengths):
        # the padding taken away as a constant, not kept out: its gradient remains, and NaN - NaN is NaN
        padding = losses[~_mask(losses, lengths)]
        return (losses.sum() - padding.detach().sum()) / lengths.sum()

    ok, out = run(lt.exercises.check_masked_mean_loss, subtracted, capsys)
    assert not ok and "leave the padded steps out" in out, out


def test_a_mean_that_changes_the_losses_is_refused(capsys):
    def wrong(losses, lengths):
        losses.masked_fill_(~_mask(losses, lengths), 0.0)
        return losses.sum() / lengths.sum()

    ok, out = run(lt.exercises.check_masked_mean_loss, wrong, capsys)
    assert not ok and "changes losses in place" in out, out


def test_a_mean_that_changes_the_lengths_is_refused(capsys):
    def wrong(losses, lengths):
        result = masked_mean_loss(losses, lengths)
        lengths.zero_()
        return result

    ok, out = run(lt.exercises.check_masked_mean_loss, wrong, capsys)
    assert not ok and "changes lengths in place" in out, out


@pytest.mark.parametrize("returned", [None, "loss", [1.0], (torch.zeros(()),), {"loss": 1}],
                         ids=["None", "str", "list", "tuple", "dict"])
def test_odd_means_do_not_crash(returned, capsys):
    ok, out = run(lt.exercises.check_masked_mean_loss, lambda loss, n: returned, capsys)
    assert not ok and out.startswith("✗")


def test_an_error_after_the_first_case_does_not_crash(capsys):
    def wrong(losses, lengths):
        if len(lengths) == 1:
            raise IndexError("no")
        return masked_mean_loss(losses, lengths)

    ok, out = run(lt.exercises.check_masked_mean_loss, wrong, capsys)
    assert not ok and "raised IndexError" in out


def test_the_mean_starter_is_not_implemented(capsys):
    def starter(losses, lengths):
        raise NotImplementedError

    ok, out = run(lt.exercises.check_masked_mean_loss, starter, capsys)
    assert not ok and "not implemented yet" in out


def test_the_mean_cases_have_the_edge_sizes():
    cases = [c.args for c in ch20._mean_cases()]
    assert any(len(n) == 1 for _, n in cases)
    assert any((n == 1).any() for _, n in cases)
    assert any((n == losses.shape[1]).all() for losses, n in cases)
    assert any(losses.shape[1] == 1 for losses, _ in cases)
    assert {losses.dtype for losses, _ in cases} == {torch.float32, torch.float64}
    first, n = cases[0]
    assert n.max() < first.shape[1] and len(set(n.tolist())) == len(n)
    for losses, n in cases:
        assert torch.isfinite(losses[_mask(losses, n)]).all()  # the real steps are always finite
    padded = [losses[~_mask(losses, n)] for losses, n in cases]
    assert any(p.isnan().any() for p in padded) and any(p.isinf().any() for p in padded)


def test_multiplying_by_the_mask_passes_only_where_the_padding_is_finite(capsys):
    """It is the one slip that finite padding cannot show: the checker's NaN and infinity cases refuse it."""
    for losses, n in (c.args for c in ch20._mean_cases()):
        value = by_multiplying(losses, n)
        if torch.isfinite(losses).all():
            torch.testing.assert_close(value, masked_mean_loss(losses, n))
        else:
            assert value.isnan()
    ok, out = run(lt.exercises.check_masked_mean_loss, by_multiplying, capsys)
    assert not ok and "NaN at the padded steps" in out and "leave the padded steps out" in out, out


# -- ex-left-padding ----------------------------------------------------------------------------------------


def pad_at_start(x, lengths):
    return torch.stack([torch.cat([row[n:], row[:n]]) for row, n in zip(x, lengths.tolist(), strict=True)])


def by_rolling(x, lengths):
    time = x.shape[1]
    return torch.stack([torch.roll(x[b], time - int(n)) for b, n in enumerate(lengths)])


def by_rolling_left(x, lengths):
    return torch.stack([row.roll(-int(n)) for row, n in zip(x, lengths, strict=True)])


def flipped_twice(x, lengths):
    """Reversed within the lengths (the padding stays at the end), then the whole row reversed."""
    return reverse_within_lengths(x, lengths).flip(1)


def with_pad_sequence(x, lengths):
    rows = [x[b, :n].flip(0) for b, n in enumerate(lengths.tolist())]
    padded = pad_sequence(rows, batch_first=True, padding_value=corpus.PAD)
    padded = torch.cat([padded, padded.new_full((len(rows), x.shape[1] - padded.shape[1]), corpus.PAD)], 1)
    return padded.flip(1)


def with_gather(x, lengths):
    time = x.shape[1]
    t = torch.arange(time).unsqueeze(0)
    source = (t - (time - lengths.unsqueeze(1))) % time  # the step each place takes its value from
    return x.gather(1, source)


def into_a_new_tensor(x, lengths):
    out = torch.full_like(x, corpus.PAD)
    for b, n in enumerate(lengths.tolist()):
        out[b, x.shape[1] - n:] = x[b, :n]
    return out


RIGHT_STARTS = [pad_at_start, by_rolling, by_rolling_left, flipped_twice, with_pad_sequence, with_gather,
                into_a_new_tensor]


@pytest.mark.parametrize("answer", RIGHT_STARTS, ids=lambda f: f.__name__)
def test_right_left_paddings_pass(answer, capsys):
    ok, out = run(lt.exercises.check_pad_at_start, answer, capsys)
    assert ok and out.startswith("✓"), out


def _roll_each(shift):
    def answer(x, lengths):
        return torch.stack([row.roll(shift(x.shape[1], int(n))) for row, n in zip(x, lengths, strict=True)])
    return answer


WRONG_STARTS = {
    "unchanged": (lambda x, n: x.clone(), "padded at the end"),
    "flipped": (lambda x, n: x.flip(1), "the whole row reversed"),
    "reversed within the lengths": (reverse_within_lengths, "each row reversed within its length"),
    "rolled by the length": (_roll_each(lambda time, n: n), "rolled by its length"),
    "one step too far": (_roll_each(lambda time, n: time - n + 1), "one step too far"),
    "one step short": (_roll_each(lambda time, n: time - n - 1), "one step short"),
    "as floats": (lambda x, n: pad_at_start(x, n).float(), "keep the indices' integer dtype"),
    "padded with 1": (lambda x, n: pad_at_start(x, n).masked_fill(pad_at_start(x, n) == 0, 1), "wrong values"),
    "pad_sequence to the longest line": (lambda x, n: pad_sequence([r[:k] for r, k in zip(x, n.tolist(), strict=True)],
                                                                   batch_first=True), "should have shape"),
    "a list": (lambda x, n: list(pad_at_start(x, n)), "should be a tensor"),
    "numpy": (lambda x, n: np.asarray(pad_at_start(x, n)), "should be a tensor"),
}


@pytest.mark.parametrize("name", WRONG_STARTS)
def test_wrong_left_paddings_are_refused_and_named(name, capsys):
    answer, phrase = WRONG_STARTS[name]
    ok, out = run(lt.exercises.check_pad_at_start, answer, capsys)
    assert not ok and out.startswith("✗") and phrase in out, out


def test_a_left_padding_that_changes_x_is_refused(capsys):
    def wrong(x, lengths):
        result = pad_at_start(x, lengths)
        x.copy_(result)
        return result

    ok, out = run(lt.exercises.check_pad_at_start, wrong, capsys)
    assert not ok and "changes x in place" in out, out


def test_the_left_padding_starter_is_not_implemented(capsys):
    def starter(x, lengths):
        raise NotImplementedError

    ok, out = run(lt.exercises.check_pad_at_start, starter, capsys)
    assert not ok and "not implemented yet" in out


def test_the_left_padding_cases_have_the_edge_sizes():
    cases = [c.args for c in ch20._start_cases()]
    assert any(len(n) == 1 for _, n in cases) and any((n == 1).any() for _, n in cases)
    assert any((n == x.shape[1]).all() for x, n in cases) and any(x.shape[1] == 1 for x, _ in cases)
    first, n = cases[0]
    assert n.max() < first.shape[1]  # every row moves
    for x, n in cases:
        real = _mask(x, n)
        assert (x[~real] == corpus.PAD).all() and (x[real] >= 2).all() and x.dtype == torch.long


def test_a_left_padded_batch_is_what_the_chapter_reads():
    """What the reference gives is what the chapter's solution builds: padding, then the line."""
    x, lengths = pad_lines(["ab", "abcd", "a"])
    left = ch20._at_start(x, lengths)
    assert [corpus.decode(row) for row in left] == ["ab", "abcd", "a"]
    assert (left[:, -1] == x[torch.arange(3), lengths - 1]).all()  # each row's last character, last
    assert (left[0, :2] == corpus.PAD).all() and (left[2, :3] == corpus.PAD).all()


# -- all three ----------------------------------------------------------------------------------------------


MISTAKES = [(lt.exercises.check_bidirectional_summary, m) for m in ch20._SUMMARY_MISTAKES] + [
    (lt.exercises.check_masked_mean_loss, m) for m in ch20._MEAN_MISTAKES
] + [(lt.exercises.check_pad_at_start, m) for m in ch20._START_MISTAKES]


@pytest.mark.parametrize(("check", "mistake"), MISTAKES, ids=lambda v: v[1][:40] if isinstance(v, tuple) else "")
def test_every_known_mistake_is_named(check, mistake, capsys):
    wrong, phrase = mistake
    assert not check(wrong)
    assert phrase in capsys.readouterr().out


def test_the_checkers_leave_the_global_seed_alone(capsys):
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    lt.exercises.check_bidirectional_summary(bidirectional_summary)
    lt.exercises.check_masked_mean_loss(masked_mean_loss)
    lt.exercises.check_pad_at_start(pad_at_start)
    assert torch.equal(torch.rand(3), expected)
