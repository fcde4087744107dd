"""Execute one notebook in a fresh kernel, as nbmake and the book build do (used by budget.py)."""

import sys

import nbclient
import nbformat

path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": "chapters"}}).execute()
