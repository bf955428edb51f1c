"""What makes a dataset unavailable, said to readers: raised by the repository and by the engine alike."""
from __future__ import annotations


class DatasetUnavailable(Exception):
    """The dataset is in the catalogue but cannot be served; the message is the French reason."""
