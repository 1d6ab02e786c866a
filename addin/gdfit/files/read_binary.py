""".xls and .xlsb workbooks read in a child process.

python-calamine's readers of these binary formats can ask for tens of gigabytes on a damaged file
(a record that claims billions of cells), and a failed allocation in its Rust core aborts the whole
process: no exception, no message, nothing Python can catch. Read in a child, that is one line. On
Linux and macOS the child runs under an address-space limit, so such a request fails at once
instead of paging for minutes first. The child sends back every worksheet's values (pickled: it is
gdfit's own code and the values are plain numbers, text, dates and logicals); .xls files are small
by the format's limits (65,536 rows x 256 columns), .xlsb files rarely large.
"""
from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

from gdfit.core.data import InputError

__all__ = ["BinaryBook", "read_binary"]

_BASE_LIMIT = 4 * 2**30
_LIMIT_PER_FILE_BYTE = 32  # a cell costs python-calamine 32 bytes; a stored cell takes at least one byte
_PASSWORD = 3
_PANIC = 4


class _Sheet:
    def __init__(self, rows: list[list[Any]]):
        self._rows = rows

    def to_python(self, skip_empty_area: bool = False) -> list[list[Any]]:
        return self._rows


class BinaryBook:
    """The part of python-calamine's workbook that :class:`gdfit.files.read_book.Book` uses."""

    table_names: list[str] = []

    def __init__(self, rows_by_sheet: dict[str, list[list[Any]]]):
        self._sheets = {name: _Sheet(rows) for name, rows in rows_by_sheet.items()}

    def get_sheet_by_name(self, name: str) -> _Sheet:
        return self._sheets[name]


def read_binary(path: Path) -> tuple[BinaryBook, list[str], set[str]]:
    """The workbook's values, its worksheets in order, and which of them are hidden."""
    limit = _BASE_LIMIT + _LIMIT_PER_FILE_BYTE * path.stat().st_size
    try:
        run = subprocess.run([sys.executable, "-m", __name__, str(path), str(limit)], capture_output=True,
                             stdin=subprocess.DEVNULL)
    except OSError as exc:  # no interpreter to start (an embedded Python): say so rather than risk the abort
        raise InputError(f"{path.name} could not be read: gdfit reads {path.suffix} files in a separate Python "
                         f"process, which could not start ({exc.strerror}); save the file as .xlsx.") from None
    if run.returncode == _PASSWORD:
        raise InputError(f"{path.name} is password-protected; save an unprotected copy and read that.")
    if run.returncode == _PANIC:
        reason = run.stderr.decode("utf-8", "replace").strip().splitlines()[-1][:120]
        raise InputError(f"{path.name} could not be read ({reason}); open the file and save it again as .xlsx.")
    if run.returncode != 0:
        asked = next((line for line in run.stderr.decode("utf-8", "replace").splitlines()
                      if line.startswith("memory allocation of")), None)
        why = f"python-calamine stopped: {asked}" if asked else f"python-calamine stopped (exit status {run.returncode})"
        raise InputError(f"{path.name} could not be read ({why}; the file is damaged); open it in Excel or "
                         "LibreOffice and save it again as .xlsx.")
    sheets, hidden, rows_by_sheet = pickle.loads(run.stdout)
    return BinaryBook(rows_by_sheet), sheets, set(hidden)


def _child(path: str, limit: int) -> int:
    try:
        import resource
    except ImportError:  # Windows: no limit; an abort is still contained
        pass
    else:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or hard > limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    import python_calamine as calamine

    try:
        workbook = calamine.CalamineWorkbook.from_path(path)
        sheets, hidden = [], []
        for meta in workbook.sheets_metadata:
            if meta.typ == calamine.SheetTypeEnum.WorkSheet:
                sheets.append(meta.name)
                if meta.visible != calamine.SheetVisibleEnum.Visible:
                    hidden.append(meta.name)
        rows = {name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in sheets}
    except calamine.PasswordError:
        return _PASSWORD
    except BaseException as exc:  # noqa: B036 - a Rust panic arrives as a BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        reason = (str(exc).splitlines() or [""])[0] or type(exc).__name__
        print(reason, file=sys.stderr)
        return _PANIC
    sys.stdout.buffer.write(pickle.dumps((sheets, hidden, rows), protocol=pickle.HIGHEST_PROTOCOL))
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1], int(sys.argv[2])))
