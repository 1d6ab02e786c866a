"""What the hardening tests accept from a worksheet function: cells of numbers, text, TRUE/FALSE
and blanks, or the one line that states one of gdfit's own refusals (bad input, a bad option).

A bug inside a worksheet function (a TypeError, numpy's own ValueError...) also reaches the cell as
one line, so that Excel never sees an exception; ``answer`` fails on it all the same, by the
"unexpected" wording of the message and by the traceback ``gdfit.excel.udfs`` logs for it.
"""
import logging
import math

from gdfit.excel import convert, udfs


class _Errors(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def answer(function, *args):
    """``function(*args)`` (a worksheet function of ``gdfit.excel.udfs``), checked as above."""
    name = function.__name__
    errors = _Errors()
    udfs.log.addHandler(errors)
    try:
        out = function(*args)
    finally:
        udfs.log.removeHandler(errors)
    bugs = [logging.Formatter().formatException(r.exc_info) if r.exc_info else r.getMessage()
            for r in errors.records]
    assert not bugs, f"{name} hit a bug:\n" + "\n".join(bugs)
    if isinstance(out, str):
        assert out.startswith(f"{name}: ") and "\n" not in out, out
        assert not out.startswith(f"{name}: {convert.UNEXPECTED}"), out
        return out
    for row in out:
        for v in row:
            assert v is None or isinstance(v, (str, bool, int)) or v is convert.error_value("#N/A") \
                or (isinstance(v, float) and math.isfinite(v)), (name, v)
    return out
