"""Synthetic tasks with a dependency whose length we choose.

Each function draws a batch from a ``torch.Generator`` so that the data of a run is fixed by
its seed, and checks its arguments.
"""

from __future__ import annotations

import torch


def _check_count(value, what: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{what} must be an int >= {minimum}, got {value!r}")
    return value


def adding_problem(batch: int, steps: int, generator: torch.Generator | None = None):
    """The adding problem (Hochreiter & Schmidhuber 1997, in the form of Le et al. 2015).

    Each of the ``steps`` time steps carries two features: a value drawn from U[0, 1] and a
    marker. Exactly two markers are 1, one in each half of the sequence; the target is the
    sum of the two marked values. Returns ``x`` (batch, steps, 2) and ``y`` (batch, 1).

    Always answering 1 (the mean of the target) scores a mean squared error of 1/6: the
    baseline a model has to beat to show it found the marked values.
    """
    _check_count(batch, "batch")
    _check_count(steps, "steps", minimum=2)
    values = torch.rand(batch, steps, generator=generator)
    half = steps // 2
    first = torch.randint(0, half, (batch,), generator=generator)
    second = torch.randint(half, steps, (batch,), generator=generator)
    markers = torch.zeros(batch, steps)
    rows = torch.arange(batch)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = torch.stack([values, markers], dim=2)
    y = (values * markers).sum(dim=1, keepdim=True)
    return x, y


ADDING_BASELINE_MSE = 1.0 / 6.0


def remember_bit(batch: int, gap: int, noise: float = 1.0, generator: torch.Generator | None = None):
    """The dial-a-gap task: remember a bit through ``gap`` steps of noise.

    Step 0 carries the bit as +1 or -1; the next ``gap`` steps carry Gaussian noise with
    standard deviation ``noise``. After the last step the model must say which bit it saw.
    Returns ``x`` (batch, gap + 1, 1) and the bit ``y`` (batch,) as 0. or 1.
    Guessing scores 50%: the longer the gap, the longer the model must hold the bit while
    ignoring what comes in.
    """
    _check_count(batch, "batch")
    _check_count(gap, "gap", minimum=0)
    if not noise >= 0:
        raise ValueError(f"noise must be a standard deviation >= 0, got {noise!r}")
    y = torch.randint(0, 2, (batch,), generator=generator).float()
    x = noise * torch.randn(batch, gap + 1, 1, generator=generator)
    x[:, 0, 0] = 2.0 * y - 1.0
    return x, y


def _current_subject(tokens: torch.Tensor, is_subject: torch.Tensor) -> torch.Tensor:
    """For every step, the most recent subject token at or before it (step 0 is always one)."""
    steps = tokens.shape[1]
    position = torch.arange(steps).expand_as(tokens)
    last = torch.cummax(torch.where(is_subject, position, torch.zeros_like(position)), dim=1).values
    return tokens.gather(1, last)


def latest_subject(tokens: torch.Tensor, subjects=(1, 2)) -> torch.Tensor:
    """For every step of a toy stream's ``tokens`` (batch, steps), the most recent subject token
    at or before it; ``subjects`` are the subjects' indices (1 and 2 in both toys: "Anna" and
    "Ben", "cat" and "cats"). Step 0 of a toy stream is always a subject."""
    return _current_subject(tokens, torch.isin(tokens, torch.tensor(subjects)))


def _token_stream(batch, steps, generator, probabilities, first_choices):
    """Tokens drawn per step with the given probabilities (token k with probabilities[k]);
    step 0 is drawn uniformly from ``first_choices``."""
    _check_count(batch, "batch")
    _check_count(steps, "steps")
    p = torch.tensor(probabilities, dtype=torch.float)
    tokens = torch.multinomial(p, batch * steps, replacement=True, generator=generator).view(batch, steps)
    first = torch.tensor(first_choices)
    tokens[:, 0] = first[torch.randint(0, len(first_choices), (batch,), generator=generator)]
    return tokens


#: the gender toy's vocabulary: a filler word and two subjects, one per pronoun
GENDER_TOKENS = ("word", "Anna", "Ben")


def gender_stream(batch: int, steps: int, p_subject: float = 0.15, generator: torch.Generator | None = None):
    """A toy of the language-model example: which pronoun fits the current subject?

    A stream of tokens, ``GENDER_TOKENS``: filler words, and now and then a new subject,
    "Anna" (she) or "Ben" (he); step 0 is always a subject. At every step the target is 1
    if the most recent subject takes "she", 0 if "he". A model must keep the subject's
    gender and, when a new subject appears, forget the old one.

    Returns ``x`` (batch, steps, 3) one-hot, ``y`` (batch, steps, 1) and ``tokens``
    (batch, steps) as indices into ``GENDER_TOKENS``.
    """
    if not 0 < p_subject < 1:
        raise ValueError(f"p_subject must be a probability in (0, 1), got {p_subject!r}")
    q = p_subject / 2
    tokens = _token_stream(batch, steps, generator, [1 - p_subject, q, q], [1, 2])
    current = _current_subject(tokens, tokens > 0)
    x = torch.nn.functional.one_hot(tokens, len(GENDER_TOKENS)).float()
    return x, (current == 1).float().unsqueeze(-1), tokens


def one_hot_words(text, vocabulary=GENDER_TOKENS) -> torch.Tensor:
    """A text of the toy language, ``"Ben word Anna"`` (or a list of its words), one-hot as
    the toys' streams encode it: ``x`` of shape (1, len(words), len(vocabulary)), ready for
    ``lt.unroll``. An unknown word is a ``ValueError`` that names the vocabulary."""
    words = text.split() if isinstance(text, str) else list(text)
    if not words:
        raise ValueError("one_hot_words expected at least one word, got none")
    unknown = [w for w in words if w not in vocabulary]
    if unknown:
        raise ValueError(f"one_hot_words: {unknown[0]!r} is not a word of the vocabulary {list(vocabulary)}")
    tokens = torch.tensor([vocabulary.index(w) for w in words])
    return torch.nn.functional.one_hot(tokens, len(vocabulary)).float().unsqueeze(0)


#: the number toy's vocabulary: a filler word, two subjects, and the place of a verb
NUMBER_TOKENS = ("word", "cat", "cats", "VERB")


def number_stream(
    batch: int, steps: int, p_subject: float = 0.1, p_verb: float = 0.15, generator: torch.Generator | None = None
):
    """A toy of subject–verb agreement: show the subject's number only where a verb goes.

    A stream of ``NUMBER_TOKENS``: filler words, now and then a new subject, "cat"
    (singular) or "cats" (plural), and now and then a slot where a verb must be written
    ("VERB"); step 0 is always a subject. The target is +1 ("is") at a verb slot after a
    singular subject, -1 ("are") after a plural one, and 0 at every other step: the model
    must keep the number all along but let it out only at verb slots.

    Returns ``x`` (batch, steps, 4) one-hot, ``y`` (batch, steps, 1) and ``tokens``
    (batch, steps) as indices into ``NUMBER_TOKENS``.
    """
    if not (0 < p_subject < 1 and 0 < p_verb < 1 and p_subject + p_verb < 1):
        raise ValueError(
            f"p_subject and p_verb must be probabilities with a sum below 1, got {p_subject!r} and {p_verb!r}"
        )
    q = p_subject / 2
    tokens = _token_stream(batch, steps, generator, [1 - p_subject - p_verb, q, q, p_verb], [1, 2])
    current = _current_subject(tokens, (tokens == 1) | (tokens == 2))
    sign = torch.where(current == 1, 1.0, -1.0)
    y = torch.where(tokens == 3, sign, torch.zeros_like(sign)).unsqueeze(-1)
    x = torch.nn.functional.one_hot(tokens, len(NUMBER_TOKENS)).float()
    return x, y, tokens


def timed_spike(batch: int, steps: int, delay: int, generator: torch.Generator | None = None):
    """A timing task in the spirit of Gers & Schmidhuber (2000): answer a spike after a delay.

    The input is 0 except for a single 1 at a random step ``s`` in the first half; the target
    is 0 except for a 1 at step ``s + delay``. Nothing in the input marks that step: the model
    must count. Returns ``x`` (batch, steps, 1), ``y`` (batch, steps, 1) and ``s`` (batch,).
    """
    _check_count(batch, "batch")
    _check_count(delay, "delay")
    _check_count(steps, "steps", minimum=2)
    if steps // 2 + delay > steps:
        raise ValueError(f"steps must be at least 2 * delay so the answer fits, got steps={steps}, delay={delay}")
    start = torch.randint(0, steps // 2, (batch,), generator=generator)
    x = torch.zeros(batch, steps, 1)
    y = torch.zeros(batch, steps, 1)
    rows = torch.arange(batch)
    x[rows, start, 0] = 1.0
    y[rows, start + delay, 0] = 1.0
    return x, y, start
