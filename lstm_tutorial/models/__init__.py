"""Models built from the cells: a cell with a read-out, ensembles trained as one batch, an
encoder-decoder with attention, and forecasters of a series with the baselines they must beat."""

from .model import SequenceModel

__all__ = ["SequenceModel"]
