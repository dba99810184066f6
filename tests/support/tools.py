"""Third-party programs the tests use as users would (kcat, promtool, prometheus, chromium):
installed by the project's scripts; missing in CI is a failure, elsewhere a skip."""

from __future__ import annotations

import os
import shutil

import pytest


def require_tool(name: str, *alternatives: str,
                 installer: str = "scripts/ensure-tools.sh") -> str:
    """The path of `name` (or the first alternative name found)."""
    for candidate in (name, *alternatives):
        path = shutil.which(candidate)
        if path is not None:
            return path
    if os.environ.get("CI"):
        pytest.fail(f"{name} is missing in CI: {installer} should install it")
    pytest.skip(f"{name} not installed ({installer} installs it)")
