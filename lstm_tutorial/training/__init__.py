"""Training and measuring: the seeded loop, repeated experiments over seeds, the gradient
that reaches each earlier step, and the bookkeeping of a study of variants."""

from .loop import reproducible, train, train_epochs

__all__ = ["reproducible", "train", "train_epochs"]
