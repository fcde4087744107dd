"""The checkers of chapter 14's exercises: right answers, however written, pass; wrong ones are refused,
with the mistake named where the checker knows it; nothing raises; one line is printed."""

from fractions import Fraction

import numpy as np
import pytest
import torch

import lstm_tutorial as lt
from lstm_tutorial.clockwork import ClockworkRNN, update_schedule
from lstm_tutorial.exercises import ch14

# -- ex-clockwork-work ------------------------------------------------------------------------------------


def clockwork_work(cell, steps):
    H = cell.hidden_size
    per_unit = cell.mask.sum(dim=1)
    updates = torch.arange(steps) % cell.unit_period[:, None] == 0
    return (per_unit[:, None] * updates).sum().item() / (H * H * steps)


def with_update_schedule(cell, steps):
    """The chapter's first version: the schedule per module, repeated for each of its units."""
    updates = update_schedule(cell.periods, steps).repeat_interleave(cell.module_size, dim=0)
    work = (cell.mask.sum(dim=1)[:, None] * updates).sum()
    return work / (cell.hidden_size**2 * steps)  # a 0-d tensor is accepted as a number


def one_line(ok, out):
    assert out.count("\n") == 1 and out.endswith("\n"), out  # exactly one printed line
    assert out.startswith("✓" if ok else "✗"), out
    return ok, out


def check_work(fn, capsys):
    ok = lt.exercises.check_clockwork_work(fn)
    return one_line(ok, capsys.readouterr().out)


def with_loops(cell, steps):
    """Unit by unit and step by step, with Python numbers; a Fraction is a number too."""
    H = cell.hidden_size
    work = 0
    for i in range(H):
        reads = int(cell.mask[i].sum())
        work += reads * sum(1 for t in range(steps) if t % int(cell.unit_period[i]) == 0)
    return Fraction(work, H * H * steps)


def with_ceil(cell, steps):
    """A module of period T updates ceil(steps / T) times among t = 0, ..., steps - 1."""
    updates = np.ceil(steps / cell.unit_period.numpy())
    return np.float64((cell.mask.sum(dim=1).numpy() * updates).sum() / (cell.hidden_size**2 * steps))


def test_the_work_answers_pass(capsys):
    for answer in (clockwork_work, with_update_schedule, with_loops, with_ceil):
        ok, out = check_work(answer, capsys)
        assert ok, out


def test_the_work_starter_is_not_implemented(capsys):
    def starter(cell, steps):
        raise NotImplementedError

    ok, out = check_work(starter, capsys)
    assert not ok and "not implemented yet" in out


def test_the_chapter_fraction_is_a_little_over_a_quarter():
    fraction = clockwork_work(ClockworkRNN(1, 48, (1, 2, 4, 8, 16, 32)), 128)
    assert 0.25 < fraction < 0.3


def test_work_without_the_mask(capsys):
    def wrong(cell, steps):
        updates = torch.arange(steps) % cell.unit_period[:, None] == 0
        return cell.hidden_size * updates.sum().item() / (cell.hidden_size**2 * steps)

    ok, out = check_work(wrong, capsys)
    assert not ok and "the mask left out" in out


def test_work_with_the_mask_read_by_columns(capsys):
    def wrong(cell, steps):
        updates = torch.arange(steps) % cell.unit_period[:, None] == 0
        work = (cell.mask.sum(dim=0)[:, None] * updates).sum().item()
        return work / (cell.hidden_size**2 * steps)

    ok, out = check_work(wrong, capsys)
    assert not ok and "mask.sum(dim=0)" in out


def test_work_counting_updates_as_steps_floor_divided_by_the_period(capsys):
    def wrong(cell, steps):
        updates = steps // cell.unit_period  # misses step 0 when T does not divide steps
        return (cell.mask.sum(dim=1) * updates).sum().item() / (cell.hidden_size**2 * steps)

    ok, out = check_work(wrong, capsys)
    assert not ok and "every module updates at step 0" in out
    assert "on input 2 of 5" in out  # 128 steps and periods 1..32 cannot tell; 10 steps and period 3 can


def test_work_every_module_at_every_step(capsys):
    ok, out = check_work(lambda cell, steps: cell.mask.mean().item(), capsys)
    assert not ok and "every module counted at every step" in out


def test_work_as_a_count(capsys):
    ok, out = check_work(lambda cell, steps: clockwork_work(cell, steps) * cell.hidden_size**2 * steps, capsys)
    assert not ok and "the number of multiplications, not its fraction" in out


def test_work_one_more_update_per_module(capsys):
    def wrong(cell, steps):
        updates = steps // cell.unit_period + 1  # one too many when T divides steps
        return (cell.mask.sum(dim=1) * updates).sum().item() / (cell.hidden_size**2 * steps)

    ok, out = check_work(wrong, capsys)
    assert not ok and "the result should be" in out


def test_work_that_writes_into_the_mask_is_refused(capsys):
    def wrong(cell, steps):
        kept = cell.mask
        kept *= 2.0  # an in-place product on the cell's own mask: the right result, a changed cell
        return clockwork_work(cell, steps) / 2

    ok, out = check_work(wrong, capsys)
    assert not ok and "changes the cell's mask in place" in out


@pytest.mark.parametrize(("answer", "phrase"), [
    (lambda cell, steps: torch.zeros(steps), "should be a number, got a tensor of shape"),
    (lambda cell, steps: None, "should be a number, got None"),
    (lambda cell, steps: "0.28", "should be a number, got a str"),
    (lambda cell, steps: cell.no_such_thing, "raised AttributeError"),
    (lambda cell: 0.28, "raised TypeError"),
])
def test_broken_work_answers_do_not_crash_the_checker(answer, phrase, capsys):
    ok, out = check_work(answer, capsys)
    assert not ok and phrase in out, out


# -- ex-clockwork-restart ---------------------------------------------------------------------------------


def run_in_two_parts(cell, x, split):
    first, state = lt.unroll(cell, x[:, :split])
    second, _ = lt.unroll(cell, x[:, split:], state)
    return torch.cat([first, second], dim=1)


def check_parts(fn, capsys):
    ok = lt.exercises.check_run_in_two_parts(fn)
    return one_line(ok, capsys.readouterr().out)


def with_split(cell, x, split):
    first, second = x.split([split, x.shape[1] - split], dim=1)
    out_1, state = lt.unroll(cell, first)
    with torch.no_grad():
        out_2 = lt.unroll(cell, second, state=state)[0]
    return torch.hstack((out_1, out_2))


def part_by_part_loops(cell, x, split):
    """Two loops of single steps, the state carried from the first into the second."""
    outputs, state = [], None
    for t in range(split):
        state = cell(x[:, t], state)
        outputs.append(cell.output(state))
    for t in range(split, x.shape[1]):
        state = cell(x[:, t], state)
        outputs.append(cell.output(state))
    return torch.stack(outputs, dim=1)


def test_the_two_parts_answers_pass(capsys):
    for answer in (run_in_two_parts, with_split, part_by_part_loops):
        ok, out = check_parts(answer, capsys)
        assert ok, out


def test_the_two_parts_starter_is_not_implemented(capsys):
    def starter(cell, x, split):
        raise NotImplementedError

    ok, out = check_parts(starter, capsys)
    assert not ok and "not implemented yet" in out


def test_the_second_part_started_afresh(capsys):
    def wrong(cell, x, split):
        first, _ = lt.unroll(cell, x[:, :split])
        second, _ = lt.unroll(cell, x[:, split:])
        return torch.cat([first, second], dim=1)

    ok, out = check_parts(wrong, capsys)
    assert not ok and "started afresh" in out and "step counter" in out


def test_only_the_second_part(capsys):
    def wrong(cell, x, split):
        _, state = lt.unroll(cell, x[:, :split])
        return lt.unroll(cell, x[:, split:], state)[0]

    ok, out = check_parts(wrong, capsys)
    assert not ok and "should have shape" in out and "only the second part's outputs" in out


def test_one_unroll_over_the_whole_sequence_is_refused(capsys):
    ok, out = check_parts(lambda cell, x, split: lt.unroll(cell, x)[0], capsys)
    assert not ok and "runs the cell over the whole sequence in one call" in out, out
    assert "the exercise asks for two runs" in out


def test_one_unroll_over_the_whole_sequence_cut_and_joined_is_refused(capsys):
    def wrong(cell, x, split):
        outputs = lt.unroll(cell, x)[0]
        return torch.cat([outputs[:, :split], outputs[:, split:]], dim=1)

    ok, out = check_parts(wrong, capsys)
    assert not ok and "runs the cell over the whole sequence in one call" in out, out


def test_the_wrong_split_is_refused(capsys):
    def wrong(cell, x, split):
        first, state = lt.unroll(cell, x[:, :split + 1])
        return torch.cat([first, lt.unroll(cell, x[:, split + 1:], state)[0]], dim=1)

    ok, out = check_parts(wrong, capsys)
    assert not ok and "the first should be x[:, :split]" in out, out


@pytest.mark.parametrize(("answer", "phrase"), [
    (lambda cell, x, split: lt.unroll(cell, x), "should be a tensor of shape"),
    (lambda cell, x, split: None, "should be a tensor of shape"),
    (lambda cell, x, split: torch.cat([lt.unroll(cell, x[:, :split])[0], lt.unroll(cell, x[:, split:])[0]]),
     "raised RuntimeError"),
    (lambda cell, x, split: lt.unroll(cell, x[:, :split])[0], "should have shape"),
    (lambda cell, x: x, "raised TypeError"),
])
def test_broken_two_parts_do_not_crash_the_checker(answer, phrase, capsys):
    ok, out = check_parts(answer, capsys)
    assert not ok and phrase in out, out


def test_an_answer_that_writes_into_x_is_refused(capsys):
    def wrong(cell, x, split):
        outputs = run_in_two_parts(cell, x, split)
        x.zero_()
        return outputs

    ok, out = check_parts(wrong, capsys)
    assert not ok and "changes x in place" in out, out


def test_only_h_passed_on_is_reported_as_the_cells_error(capsys):
    def wrong(cell, x, split):
        first, (h, _) = lt.unroll(cell, x[:, :split])
        second, _ = lt.unroll(cell, x[:, split:], h)
        return torch.cat([first, second], dim=1)

    ok, out = check_parts(wrong, capsys)
    assert not ok and "raised ValueError" in out and "(h, t)" in out


# -- both -------------------------------------------------------------------------------------------------


MISTAKES = [(lt.exercises.check_clockwork_work, m) for m in ch14._WORK_MISTAKES] + [
    (lt.exercises.check_run_in_two_parts, m) for m in ch14._TWO_PARTS_MISTAKES
]


@pytest.mark.parametrize(("check", "mistake"), MISTAKES, ids=lambda v: v[1][:40] if isinstance(v, tuple) else "")
def test_every_known_mistake_is_named(check, mistake, capsys):
    wrong, phrase = mistake
    ok, out = one_line(check(wrong), capsys.readouterr().out)
    assert not ok and phrase in out, out


def test_the_checkers_leave_the_global_seed_alone(capsys):
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    lt.exercises.check_clockwork_work(clockwork_work)
    lt.exercises.check_run_in_two_parts(run_in_two_parts)
    capsys.readouterr()
    assert torch.equal(torch.rand(3), expected)
