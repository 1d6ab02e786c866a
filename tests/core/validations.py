"""A spy on the one function that validates users' data, wherever gdfit's modules imported it."""
import sys

import gdfit.core.data


def count_validations(monkeypatch) -> list:
    """Replace ``as_dataset`` in every loaded gdfit module (and at its source, for modules loaded
    later) by a wrapper that records each call; return the list the calls are appended to."""
    real = gdfit.core.data.as_dataset
    calls = []

    def spy(*args, **kwargs):
        calls.append(kwargs.get("x_name", "X"))
        return real(*args, **kwargs)

    for name, module in list(sys.modules.items()):
        if name.startswith("gdfit") and getattr(module, "as_dataset", None) is real:
            monkeypatch.setattr(module, "as_dataset", spy)
    return calls
