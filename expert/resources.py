"""Where the folders shipped with Adieu (knowledge/, templates/) are found.

A wheel carries them inside the package as expert/data/NAME; an editable install or a
source checkout keeps them beside the package. Both layouts must work without settings.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str, marker: str) -> Path | None:
    """The shipped folder `name` that contains `marker`, or None if this installation lacks it."""
    for candidate in (PACKAGE / "data" / name, PACKAGE.parent / name):
        if (candidate / marker).exists():
            return candidate
    return None
