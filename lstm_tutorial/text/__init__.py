"""Part V: LSTMs on text. A corpus every reader has (Python's own standard library), its
characters as numbers, smoothed n-gram models to measure against, a character-level LSTM
language model, and the structure of source code (brackets, strings, indentation) that its
units may or may not track."""

from . import charlm, corpus, ngrams, structure

__all__ = ["charlm", "corpus", "ngrams", "structure"]
