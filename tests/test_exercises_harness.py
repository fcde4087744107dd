"""What every checker promises, whatever it checks: one sentence, never an exception, and no
pass for an answer that is plainly not an answer. Then the harness's own behaviour: inputs
changed in place are refused, counts read as English, and modules are copied for the student."""

import pytest
import torch
from torch import nn

from lstm_tutorial import exercises
from lstm_tutorial.exercises import _harness

CHECKERS = [getattr(exercises, name) for names in exercises.catalogue().values() for name in names]


class Weird:
    """A value no exercise asks for, that breaks anything that tries to use it."""

    def __getattr__(self, name):
        raise RuntimeError(f"Weird has no {name}")

    def __iter__(self):
        raise RuntimeError("Weird cannot be iterated")

    def __len__(self):
        raise RuntimeError("Weird has no length")

    def __bool__(self):
        raise RuntimeError("Weird is neither true nor false")


def raises_type_error(*args, **kwargs):
    raise TypeError("a mistake inside the student's code")


def returns_none(*args, **kwargs):
    return None


def returns_weird(*args, **kwargs):
    return Weird()


def returns_string(*args, **kwargs):
    return "an answer"


def returns_scalar(*args, **kwargs):
    return torch.tensor(0.5)


def returns_a_module(*args, **kwargs):
    return nn.Linear(2, 3)


def returns_a_generator(*args, **kwargs):
    return (k for k in range(3))


def returns_nan(*args, **kwargs):
    return torch.full((3, 3), float("nan"))


HOSTILE = [raises_type_error, returns_none, returns_weird, returns_string, returns_scalar, returns_a_module,
           returns_a_generator, returns_nan, 42, None]


@pytest.mark.parametrize("checker", CHECKERS, ids=[c.__name__ for c in CHECKERS])
@pytest.mark.parametrize("answer", HOSTILE, ids=[getattr(a, "__name__", repr(a)) for a in HOSTILE])
def test_a_hostile_answer_fails_in_one_sentence_and_never_raises(capsys, checker, answer):
    ok = checker(answer)
    out = capsys.readouterr().out.strip()
    assert ok is False, f"{checker.__name__} accepted {answer!r}: {out}"
    assert len(out.splitlines()) == 1 and out.startswith("✗"), out


def _add(a, b):
    return a + b


def test_an_answer_that_writes_into_its_input_is_refused(capsys):
    def in_place(a, b):
        a += b
        return a

    a, b = torch.randn(3), torch.randn(3)
    ok = _harness.check_function(in_place, _add, [_harness.case(a, b)], name="add")
    out = capsys.readouterr().out.strip()
    assert not ok and "changes a in place" in out, out
    torch.testing.assert_close(a + 0, a)  # the case's own tensors were not touched


def test_an_answer_that_changes_a_module_it_was_given_is_refused(capsys):
    def reference(module, x):
        return module(x).detach()

    def zeroes_the_bias_afterwards(module, x):
        y = module(x).detach()
        with torch.no_grad():
            module.bias.zero_()
        return y

    original = nn.Linear(2, 2)
    x = torch.randn(4, 2)
    ok = _harness.check_function(zeroes_the_bias_afterwards, reference, [_harness.case(original, x)], name="run")
    out = capsys.readouterr().out.strip()
    assert not ok and "module" in out and "(its bias)" in out, out


def test_in_place_change_is_allowed_when_the_exercise_asks_for_it(capsys):
    def in_place(a, b):
        a += b
        return a

    ok = _harness.check_function(in_place, _add, [_harness.case(torch.randn(3), torch.randn(3))], name="add",
                                 inputs_unchanged=False)
    assert ok, capsys.readouterr().out


def test_a_generator_argument_gives_student_and_reference_the_same_draws(capsys):
    def draw(gen):
        return torch.randn(3, generator=gen)

    ok = _harness.check_function(draw, draw, [_harness.case(torch.Generator().manual_seed(0))], name="draw")
    assert ok, capsys.readouterr().out


@pytest.mark.parametrize(("n", "said"), [(1, "1 item"), (2, "2 items"), (0, "0 items")])
def test_counts_read_as_english(n, said):
    assert _harness.items(n) == said


def test_a_one_item_result_is_not_called_one_items(capsys):
    ok = _harness.check_function(lambda a: (a, a), lambda a: (a,), [_harness.case(torch.ones(2))], name="pair")
    out = capsys.readouterr().out.strip()
    assert not ok and "1 item" in out and "1 items" not in out, out


def test_guarded_turns_an_error_in_the_checker_body_into_one_sentence(capsys):
    @_harness.guarded
    def check_thing(answer):
        return answer()[0].shape == (2,)

    assert check_thing(lambda: None) is False
    out = capsys.readouterr().out.strip()
    assert out.startswith("✗ <lambda> failed: TypeError") and len(out.splitlines()) == 1, out
