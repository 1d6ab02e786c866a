"""The ``GD Settings`` sheet: where the analyst tells the Train button what to fit, and how.

The first Train run writes it (as part of its report) with the cells it fitted and the default
options; later runs read it back, so editing a value and pressing Train again refits. Only
column B is read, matched by the labels in column A; a blank value means the default.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from gdfit.core.data import OptionError
from gdfit.excel import convert
from gdfit.report.model import Note, SheetSpec, Table

__all__ = ["SETTINGS_SHEET", "TrainSettings", "settings_sheet", "parse_settings", "SETTINGS_RANGE"]

SETTINGS_SHEET = "GD Settings"
SETTINGS_RANGE = "A1:B30"  # generous: the table sits in A3:C16
_TOP = 4  # first row of values (the table's header is row 3)


@dataclass(frozen=True)
class TrainSettings:
    """What Train fits (the data cells) and the options of the gradient descent."""

    data_sheet: str | None = None
    x_cells: str | None = None  # "A4:A33", or "A4:B33", or "A4:A33, D4:D33"
    y_cells: str | None = None
    constant: bool = True
    learning_rate: float | str = "auto"
    max_iter: int = 1000
    loss: str = "mse"
    method: str = "gd"
    batch_size: int | None = None
    seed: int = 0
    max_time: float = 60.0
    model: str = "linear"
    l2: float = 0.0

    def fit_options(self) -> dict[str, Any]:
        """Keyword options for ``gdfit.compare`` (``const`` and the options of ``gdfit.fit``)."""
        return {"const": self.constant, "learning_rate": self.learning_rate,
                "max_iter": self.max_iter, "loss": self.loss, "method": self.method,
                "batch_size": self.batch_size, "seed": self.seed, "max_time": self.max_time}


#: (label in column A, field, explanation in column C)
ROWS = (
    ("Data sheet", "data_sheet", "The sheet holding the data."),
    ("x cells", "x_cells", "The x values without header, one column per variable, e.g. A4:A33 "
                           "or A4:B33. A text cell just above each column is its label."),
    ("y cells", "y_cells", "The y values without header, e.g. C4:C33."),
    ("Constant", "constant", "TRUE: fit an intercept. FALSE: a line through the origin."),
    ("Learning rate", "learning_rate", "auto (1/L for the data), or a step size on "
                                       "standardised columns; too large diverges."),
    ("Iterations", "max_iter", "Most iterations (epochs for sgd and minibatch)."),
    ("Loss", "loss", "mse, sse, rmse, mae, sae or huber."),
    ("Method", "method", "gd (all rows per step), sgd (one row) or minibatch."),
    ("Batch size", "batch_size", "Rows per step for minibatch (blank: 32)."),
    ("Seed", "seed", "Seed of the row shuffling: the same seed gives the same answer."),
    ("Max time (s)", "max_time", "Seconds before the descent stops and keeps its last step."),
    ("Model", "model", "linear, or logistic: logistic regression of y cells holding two values "
                       "(0/1); Loss is then the log loss."),
    ("L2 (logistic)", "l2", "Ridge penalty on the standardised coefficients, intercept not penalised; "
                            "0 for none. Keeps the answer finite when the labels are separated."),
)


def settings_sheet(settings: TrainSettings) -> SheetSpec:
    """The ``GD Settings`` sheet holding ``settings`` (drawn like any report sheet)."""
    rows = [[label, getattr(settings, name), text] for label, name, text in ROWS]
    sheet = SheetSpec(SETTINGS_SHEET, column_widths={"A": 16, "B": 18, "C": 90})
    sheet.notes += [Note("A1", "gdfit: what Train fits, and how", "title", span=3),
                    Note("A2", "Edit column B and press Train again with a single cell "
                               "selected. With two or more columns selected, Train fits the "
                               "selection instead, with the options below.", "caption", span=3)]
    sheet.tables.append(Table("A3", ["Setting", "Value", "What it means"], rows, id="settings"))
    return sheet


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().lstrip("'")


def _value(name: str, value: Any, default: Any, where: str) -> Any:
    if name in ("data_sheet", "x_cells", "y_cells"):
        return _text(value)
    if name == "constant":
        return convert.flag(f"Constant ({where})", value, default)
    if name == "learning_rate":
        return convert.learning_rate(value)
    if name in ("loss", "method", "model"):
        return (_text(value) or default).lower()
    value = convert.option(value, default)
    if value is not None and not isinstance(value, (int, float)):
        raise OptionError(f"{SETTINGS_SHEET} {where} must be a number or blank; got {value!r}.")
    return value


def parse_settings(rows: list[list[Any]]) -> TrainSettings:
    """Read the settings from the sheet's cells (rows of ``SETTINGS_RANGE``).

    Values are checked for their kind here (a number, TRUE/FALSE); the fit checks the rest and
    names the option.
    """
    by_label = {label.lower(): name for label, name, _ in ROWS}
    defaults = TrainSettings()
    found: dict[str, Any] = {}
    for i, row in enumerate(rows, start=1):
        label = _text(row[0]) if row else None
        name = by_label.get(label.lower()) if label else None
        if name is not None and name not in found:
            value = row[1] if len(row) > 1 else None
            found[name] = _value(name, value, getattr(defaults, name), f"B{i}")
    valid = {f.name for f in fields(TrainSettings)}
    return replace(defaults, **{k: v for k, v in found.items() if k in valid})
