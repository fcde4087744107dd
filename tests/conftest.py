import pytest
import torch


@pytest.fixture(autouse=True)
def _seeded():
    torch.manual_seed(1234)
    yield
