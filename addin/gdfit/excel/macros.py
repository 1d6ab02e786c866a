"""The ribbon's Train button: fit the selected data and draw gdfit's sheets into the open book.

``main()`` is what the add-in's ``RunMain`` callback runs (``import gdfit; gdfit.main()``);
in Windows Excel it first makes sure the add-in carries gdfit's worksheet functions
(:func:`import_functions`), then calls :func:`train` on the calling book. ``train`` works on any
xlwings Book -- Excel through the classic add-in, or xlwings' remote engine in tests -- and
builds the whole report before it touches the book, which ``render.live`` then draws all or
nothing.
"""
from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from pathlib import Path

from gdfit.core.compare import Comparison, compare_dataset
from gdfit.core.data import as_dataset, check_choice
from gdfit.core.descent.fit import ConvergenceWarning
from gdfit.core.logistic.compare import LogitComparison, compare_logistic_dataset
from gdfit.core.logistic.labels import encode_labels
from gdfit.excel import convert, udfs
from gdfit.excel.addin import ADDIN_FILE, UDF_MODULES
from gdfit.excel.selection import DataRanges, choose_ranges, read_ranges
from gdfit.excel.settings import SETTINGS_RANGE, SETTINGS_SHEET, TrainSettings, parse_settings, settings_sheet
from gdfit.excel.solver_live import add_solver_block, run_excel_solver, solver_available
from gdfit.render.live import LiveResult, owned_names, render_book, uses_com
from gdfit.report.cells import typed_literal
from gdfit.report.ownership import OWNER_NAME
from gdfit.sheets.training.logistic import check_logistic_size, logistic_report
from gdfit.sheets.training.report import training_report

__all__ = ["main", "train", "TrainOutcome", "StatusBar", "import_functions", "FUNCTIONS_NAME",
           "TRUST_HINT"]

# A hidden name in the add-in saying which gdfit's functions it holds (or that the hint was
# shown): readable without access to the VBA project, unlike the imported module itself.
FUNCTIONS_NAME = "gdfit_functions"
_HINTED = '="hint shown"'
TRUST_HINT = ("gdfit: for =GD_FIT() and the other worksheet functions, tick File > Options > Trust "
              "Center > Trust Center Settings > Macro Settings > \"Trust access to the VBA project "
              "object model\", then click Train again.")


@dataclass
class TrainOutcome:
    """What a Train run fitted and drew."""

    ranges: DataRanges
    comparison: Comparison | LogitComparison
    drawn: LiveResult
    excel_solver: str | None  # Excel's Solver's message (or why it failed); None: no Solver here


class StatusBar:
    """Excel's status bar for progress, given back to Excel afterwards; silent where absent."""

    def __init__(self, app) -> None:
        self.app = app
        try:
            self.before = app.status_bar
            self.works = True
        except NotImplementedError:  # e.g. the remote engine has no status bar
            self.works = False

    def __call__(self, text: str) -> None:
        if self.works:
            self.app.status_bar = text

    def progress(self, done: int, total: int, loss: float) -> None:
        self(f"gdfit: gradient descent {done}/{total}, loss {loss:.6g}")

    def close(self) -> None:
        if self.works:
            self.app.status_bar = self.before or False  # False hands it back to Excel


def _gdfit_sheets(book) -> set[str]:
    return {s.name for s in book.sheets if OWNER_NAME in owned_names(s)} | {SETTINGS_SHEET}


def _settings(book) -> TrainSettings | None:
    sheet = next((s for s in book.sheets if s.name.lower() == SETTINGS_SHEET.lower()), None)
    if sheet is None:
        return None
    return parse_settings(sheet.range(SETTINGS_RANGE).options(ndim=2).value)


def _report(book, status: StatusBar, com: bool):
    """Everything computed and laid out before the book is touched."""
    settings = _settings(book)
    ranges = choose_ranges(book, settings, _gdfit_sheets(book))
    frame, y, source = read_ranges(book, ranges)
    chosen = settings or TrainSettings()
    options = chosen.fit_options()
    const = options.pop("const")
    if check_choice("Model", chosen.model, ("linear", "logistic")) == "logistic":
        return _logistic_report(book, status, frame, y, ranges, settings, const, options, chosen.l2)
    data = as_dataset(frame, y, fit_intercept=const, moments=True, x_name="the x cells", y_name="the y cells")
    status("gdfit: fitting...")
    with warnings.catch_warnings():  # the GD sheet states it when the descent did not converge
        warnings.simplefilter("ignore", ConvergenceWarning)
        cmp = compare_dataset(data, const=const, progress=status.progress, **options)
    report = training_report(cmp, source, data, title=f"gdfit: {book.name}")
    live_solver = solver_available(book, com)
    anchor = add_solver_block(report, live_solver)
    if settings is None:
        report.sheets.append(settings_sheet(ranges.recorded(TrainSettings())))
    return report, ranges, cmp, (anchor if live_solver else None)


def _logistic_report(book, status: StatusBar, frame, y, ranges, settings: TrainSettings | None, const: bool,
                     options: dict, l2: float):
    """The logistic sheets (Logistic Regression, Solver recipe, GD, Compare) for 0/1 y cells."""
    options.pop("loss")  # the log loss
    check_logistic_size(len(y))
    labels = encode_labels(y, None, "the y cells")
    data = as_dataset(frame, labels.y, fit_intercept=const, moments=True, x_name="the x cells",
                      y_name="the y cells")
    status("gdfit: fitting...")
    with warnings.catch_warnings():  # the GD sheet states it when the descent did not converge
        warnings.simplefilter("ignore", ConvergenceWarning)
        cmp = compare_logistic_dataset(data, (labels.negative, labels.positive), const=const, l2=l2,
                                       progress=status.progress, **options)
    report = logistic_report(cmp, data, title=f"gdfit: {book.name}")
    if settings is None:
        report.sheets.append(settings_sheet(ranges.recorded(TrainSettings(model="logistic"))))
    return report, ranges, cmp, None


def train(book, *, com: bool | None = None) -> TrainOutcome | None:
    """Fit the selected data (see ``gdfit.excel.selection``) and draw the training sheets.

    Parameters
    ----------
    book : xlwings.Book
    com : bool, optional
        Use the Excel object model (Windows Excel); default: detected.

    Returns
    -------
    TrainOutcome, or None when the data or the settings were refused: the one-line reason is
    shown in an alert, and the book is unchanged.
    """
    com = uses_com(book) if com is None else com
    status = StatusBar(book.app)
    try:
        status("gdfit: reading the data...")
        report, ranges, cmp, solver_cell = _report(book, status, com)
        status("gdfit: drawing the sheets...")
        drawn = render_book(report, book, com=com)
        message = None
        if solver_cell is not None:
            status("gdfit: running Excel's Solver...")
            message = _excel_solver(book, report, drawn)
            book.sheets[drawn.sheets["Compare"]].range(solver_cell).value = \
                typed_literal(f"Excel's Solver: {message}")
        book.sheets[drawn.sheets["Compare"]].activate()
        return TrainOutcome(ranges, cmp, drawn, message)
    except ValueError as exc:  # the analyst's to fix: one line, nothing drawn
        _alert(book.app, convert.message("gdfit Train", exc))
        return None
    finally:
        status.close()


def _excel_solver(book, report, drawn: LiveResult) -> str:
    """Excel's Solver's message; a failure (the sheets are drawn by now) is said, not raised."""
    try:
        return run_excel_solver(book, report, drawn.sheets)[1]
    except Exception as exc:  # noqa: BLE001 - pywintypes.com_error from the Solver add-in
        return f"could not run ({' '.join(str(exc).split())[:200]}); see the Solver row above."


def _alert(app, text: str) -> None:
    try:
        app.alert(text, title="gdfit")
    except NotImplementedError:
        pass


def _functions_stamp() -> str:
    """The name's formula for this gdfit's functions: its version and the UDF module's digest,
    so a changed function is imported again even under the same version number."""
    from gdfit import __version__

    digest = hashlib.blake2b(Path(udfs.__file__).read_bytes(), digest_size=6).hexdigest()
    return f'="gdfit {__version__} {digest}"'


def _stamp_of(addin) -> str | None:
    try:
        return addin.Names(FUNCTIONS_NAME).RefersTo
    except Exception:  # noqa: BLE001 - pywintypes.com_error: no such name yet
        return None


def _stamp(addin, value: str) -> None:
    addin.Names.Add(Name=FUNCTIONS_NAME, RefersTo=value, Visible=False)


def _one_line(exc: Exception) -> str:
    """Excel's own description of a COM error (pywintypes.com_error's excepinfo), else the text."""
    info = exc.args[2] if len(exc.args) > 2 else None
    text = info[2] if isinstance(info, tuple) and len(info) > 2 and info[2] else str(exc)
    return " ".join(str(text).split())[:200]


def import_functions(xl) -> str | None:
    """Put gdfit's worksheet functions into ``gdfit.xlam`` if it lacks these (Windows Excel).

    What the VBA editor's ``ImportPythonUDFsToAddin`` does, from Python: xlwings'
    ``import_udfs`` writes the VBA wrappers of :data:`UDF_MODULES` into the add-in's VBA project
    and gives them their Function Wizard texts; the add-in is then saved so they stay. That needs
    "Trust access to the VBA project object model"; without it the analyst gets
    :data:`TRUST_HINT`, once per Excel session, and nothing is attempted -- xlwings' own fallback
    would run a VBA macro that fails with a VBA error dialog.

    Parameters
    ----------
    xl : Excel's ``Application`` (pywin32 COM object, ``book.app.api``)

    Returns
    -------
    The one line to show the analyst, or None when there is nothing to say (functions already
    there, hint already shown, or no add-in called gdfit.xlam open).
    """
    try:
        addin = xl.Workbooks(ADDIN_FILE)
    except Exception:  # noqa: BLE001 - com_error: Train run from elsewhere; nothing to import into
        return None
    stamp, before = _functions_stamp(), _stamp_of(addin)
    if before == stamp:
        return None
    try:
        _ = addin.VBProject.VBComponents.Count
    except Exception:  # noqa: BLE001 - com_error 1004: "Programmatic access ... is not trusted"
        if before == _HINTED:
            return None
        _stamp(addin, _HINTED)  # unsaved: Excel drops it with the session
        return TRUST_HINT
    try:
        from xlwings.udfs import import_udfs  # Windows only (pywin32)

        import_udfs(UDF_MODULES, addin)
        _stamp(addin, stamp)
    except Exception as exc:  # noqa: BLE001 - said in one line; Train goes on
        return f"gdfit: could not import the worksheet functions ({_one_line(exc)})."
    try:
        addin.Save()
    except Exception as exc:  # noqa: BLE001 - e.g. a read-only add-in folder
        return (f"gdfit: the worksheet functions are ready for this session; saving {ADDIN_FILE} "
                f"failed ({_one_line(exc)}), so Train imports them again next time.")
    return (f"gdfit: the worksheet functions ({', '.join(udfs.__all__)}) are now in Excel, "
            "in the gdfit category of Insert Function.")


def main() -> None:
    """RunPython entry point of the add-in's Train button: in Windows Excel, bring the worksheet
    functions in on first use; then train the calling book."""
    import xlwings as xw

    book = xw.Book.caller()
    if uses_com(book):
        note = import_functions(book.app.api)
        if note:
            _alert(book.app, note)
    train(book)
