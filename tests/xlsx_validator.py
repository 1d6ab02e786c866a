"""The shared Open XML validator (Microsoft's SDK, the ISO schemas, Excel's cross-part rules).

It lives beside the project (``../shared/tools/xlsx-validate``, or ``$XLSX_VALIDATE``); where it is
absent the tests that need it skip and say so.
"""
import os
import subprocess
from pathlib import Path

import pytest

VALIDATOR = Path(os.environ.get("XLSX_VALIDATE") or
                 Path(__file__).resolve().parents[2] / "shared" / "tools" / "xlsx-validate" / "validate")

needs_validator = pytest.mark.skipif(
    not VALIDATOR.is_file(), reason=f"the Open XML validator is not installed at {VALIDATOR}")


def validation_errors(*paths) -> str:
    """The validator's report when any check finds an error in ``paths``; '' when none does.

    ``--ignore-font-order`` leaves out the one documented false alarm (openpyxl's <font> order).
    """
    run = subprocess.run([str(VALIDATOR), "--ignore-font-order", *map(str, paths)],
                         capture_output=True, text=True, timeout=600)
    if run.returncode == 2:
        pytest.fail(f"the validator could not run: {run.stderr or run.stdout}")
    return "" if run.returncode == 0 else run.stdout + run.stderr
