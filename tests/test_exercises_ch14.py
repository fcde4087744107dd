"""The checkers of chapter 14's exercises accept the answers and name the typical mistakes."""

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


def check_work(fn, capsys):
    ok = lt.exercises.check_clockwork_work(fn)
    return ok, capsys.readouterr().out


def test_the_work_answers_pass(capsys):
    for answer in (clockwork_work, with_update_schedule):
        ok, out = check_work(answer, capsys)
        assert ok and out.startswith("✓"), out


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
    assert "on input 2 of 3" in out  # 128 steps and periods 1..32 cannot tell; 10 steps and period 3 can


def test_work_every_module_at_every_step(capsys):
    ok, out = check_work(lambda cell, steps: cell.mask.mean().item(), capsys)
    assert not ok and "every module counted at every step" in out


def test_work_as_a_count(capsys):
    ok, out = check_work(lambda cell, steps: clockwork_work(cell, steps) * cell.hidden_size**2 * steps, capsys)
    assert not ok and "the number of multiplications, not its fraction" in out


# -- ex-clockwork-restart ---------------------------------------------------------------------------------


def run_in_two_parts(cell, x, split):
    first, state = lt.unroll(cell, x[:, :split])
    second, _ = lt.unroll(cell, x[:, split:], state)
    return torch.cat([first, second], dim=1)


def check_parts(fn, capsys):
    ok = lt.exercises.check_run_in_two_parts(fn)
    return ok, capsys.readouterr().out


def test_the_two_parts_answer_passes(capsys):
    ok, out = check_parts(run_in_two_parts, capsys)
    assert ok and out.startswith("✓"), out


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
    assert not check(wrong)
    assert phrase in capsys.readouterr().out


def test_the_checkers_leave_the_global_seed_alone(capsys):
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    lt.exercises.check_clockwork_work(clockwork_work)
    lt.exercises.check_run_in_two_parts(run_in_two_parts)
    assert torch.equal(torch.rand(3), expected)
