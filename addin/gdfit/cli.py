"""The ``gdfit`` command: fit, compare and demo on CSV or Excel data, headless."""
from __future__ import annotations

import argparse
import math
import os
import sys
import time
import warnings
from typing import TYPE_CHECKING, Any, Callable, Sequence

from gdfit import __version__

if TYPE_CHECKING:
    pass

FIT_OPTIONS = ("loss", "method", "optimizer", "learning_rate", "schedule", "batch_size", "max_iter",
               "tol", "grad_tol", "max_time", "seed", "scale", "init", "n_starts")


class CommandError(ValueError):
    """A problem with the command line or the input file, reported in one line."""


class ProgressBar:
    """A one-line bar on stderr that appears only once a run has lasted about a second."""

    def __init__(self, stream=sys.stderr, delay: float = 1.0, width: int = 30) -> None:
        self.stream, self.delay, self.width = stream, delay, width
        self.start = time.perf_counter()
        self.drawn = False

    def __call__(self, done: int, total: int, loss: float) -> None:
        if time.perf_counter() - self.start < self.delay:
            return
        filled = int(self.width * done / total) if total else self.width
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {done}/{total}  loss {loss:.6g}")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


def _number_or_word(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text


def _init_value(text: str) -> str | list[float]:
    if "," in text or text.replace(".", "", 1).lstrip("-").isdigit():
        return [float(v) for v in text.split(",")]
    return text


def add_fit_options(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("gradient descent options")
    g.add_argument("--loss", help="sse, mse (default), rmse, sae (L1), mae, huber")
    g.add_argument("--method", help="gd (full batch, default), sgd, minibatch")
    g.add_argument("--optimizer", help="plain (default), momentum, nesterov, adam")
    g.add_argument("--learning-rate", type=_number_or_word, help="a number, or auto (default)")
    g.add_argument("--schedule", help="constant (default), invscaling, adaptive")
    g.add_argument("--batch-size", type=int, help="rows per step for minibatch (default 32)")
    g.add_argument("--max-iter", type=int, help="iterations (epochs for sgd/minibatch)")
    g.add_argument("--tol", type=float, help="stop when the loss changes by less than this, relatively")
    g.add_argument("--grad-tol", type=float, help="stop when the gradient norm falls below this")
    g.add_argument("--max-time", type=float, help="stop after this many seconds")
    g.add_argument("--seed", type=int, help="seed for shuffling and random starts (default 0)")
    g.add_argument("--scale", help="auto (standardise features, default) or none (raw data)")
    g.add_argument("--init", type=_init_value, help="zeros (default), random, or values like 1,0")
    g.add_argument("--n-starts", type=int, help="multi-start: best of this many starts")
    g.add_argument("--no-intercept", dest="fit_intercept", action="store_false",
                   help="fit a line through the origin")


def fit_options(args: argparse.Namespace) -> dict[str, Any]:
    options = {name: getattr(args, name) for name in FIT_OPTIONS if getattr(args, name, None) is not None}
    options["fit_intercept"] = args.fit_intercept
    return options


def _format(value: float) -> str:
    return f"{value:.10g}" if math.isfinite(value) else str(value)


def side_by_side(result, closed) -> str:
    """Plain-text table: each parameter by gradient descent and by the closed form."""
    import numpy as np  # local: --version, --help and usage errors start without numpy

    names = [*result.labels, "intercept"] if closed.fit_intercept else list(result.labels)
    gd = np.append(result.coef, result.intercept) if closed.fit_intercept else result.coef
    cf = closed.params
    lines = [f"{'parameter':<16}{'gradient descent':>22}{'closed form':>22}{'rel. diff':>12}"]
    for name, a, b in zip(names, gd, cf):
        rel = abs(a - b) / abs(b) if b else abs(a - b)
        lines.append(f"{str(name)[:15]:<16}{_format(a):>22}{_format(b):>22}{rel:>12.2e}")
    lines.append(f"{result.loss_name + ' (loss)':<16}{_format(result.loss):>22}")
    lines.append(f"iterations: {result.n_iter}   converged: {result.converged}   "
                 f"learning rate: {result.learning_rate:.6g}")
    lines.append(result.message)
    return "\n".join(lines)


def run_fit(X, y, options: dict[str, Any], out: Callable[[str], None]) -> int:
    from gdfit import closed_form, fit
    bar = ProgressBar()
    try:
        result = fit(X, y, progress=bar, **options)
    finally:
        bar.close()
    closed = closed_form(X, y, fit_intercept=options.get("fit_intercept", True))
    out(side_by_side(result, closed))
    return 0


def _data(args: argparse.Namespace):
    """X and y through gdfit.read_data, saying on stderr what was read and what was left out."""
    from gdfit.files.read import read_data  # local: the reader pulls pandas and python-calamine

    data = read_data(args.data, sheet=args.sheet, x=args.x, y=args.y, missing=args.missing)
    for line in (data.where, *data.notes, *data.skipped):
        print(f"gdfit: {line}", file=sys.stderr)
    return data.X, data.y


def cmd_fit(args: argparse.Namespace) -> int:
    X, y = _data(args)
    return run_fit(X, y, fit_options(args), print)


def comparison_text(cmp) -> str:
    """The parity table and its notes as plain text."""
    import pandas as pd  # local: --version, --help and usage errors start without pandas

    with pd.option_context("display.width", 200, "display.max_columns", 20):
        table = cmp.table.to_string(float_format=lambda v: f"{v:.10g}")
    return "\n".join([table, "", *cmp.notes])


def rows_text(rows) -> str:
    """Rows of cells (None for blank) as aligned text, numbers to 10 significant digits."""
    cells = [["" if v is None else f"{v:.10g}" if isinstance(v, float) else str(v) for v in row] for row in rows]
    width = max((len(r) for r in cells), default=0)
    cols = [max((len(r[j]) for r in cells if j < len(r)), default=0) for j in range(width)]
    return "\n".join("  ".join(c.ljust(cols[j]) for j, c in enumerate(r)).rstrip() for r in cells)


def cmd_compare(args: argparse.Namespace) -> int:
    from gdfit import compare
    X, y = _data(args)
    options = fit_options(args)
    print(comparison_text(compare(y, X, const=options.pop("fit_intercept"), **options)))
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from gdfit import regression_output
    X, y = _data(args)
    print(rows_text(regression_output(y, X, const=args.fit_intercept, confidence=args.confidence,
                                      labels=True, residuals=args.residuals, probability=args.residuals)))
    return 0


def cmd_solve(args: argparse.Namespace) -> int:
    from gdfit import solve
    X, y = _data(args)
    result = solve(y, X, const=args.fit_intercept, assume_nonnegative=not args.allow_negative)
    print(rows_text(result.answer_report()))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from gdfit.files.workbooks import build_ad_spend
    options = fit_options(args)
    options.pop("fit_intercept")  # the lesson's model always has an intercept
    report, cmp = build_ad_spend(args.out, **options)
    print("Ad spend ($k) vs sales ($100k), 30 months: gradient descent next to Excel's methods\n")
    print(comparison_text(cmp))
    print(f"\nwrote {args.out}: sheets {', '.join(s.name for s in report.sheets)}")
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from gdfit.files.train import train_book
    options = fit_options(args)
    bar = ProgressBar()
    try:
        result = train_book(args.book, sheet=args.sheet, x=args.x, y=args.y, out=args.out,
                            in_place=args.in_place, missing=args.missing, progress=bar, **options)
    finally:
        bar.close()
    # after the run, so that a refusal of the data stays one line on stderr
    for line in (result.data.where, *result.data.notes, *result.data.skipped, *result.warnings):
        print(f"gdfit: {line}", file=sys.stderr)
    print(comparison_text(result.comparison))
    print(f"\nwrote {result.output}: sheets {', '.join(result.sheets)}")
    for line in result.notes:
        print(line)
    return 0


def cmd_workbooks(args: argparse.Namespace) -> int:
    from gdfit.files.workbooks import build_all
    for path in build_all(args.out_dir):
        print(f"wrote {path}")
    return 0


def _data_command(sub, name: str, help_text: str, handler) -> argparse.ArgumentParser:
    p = sub.add_parser(name, help=help_text)
    p.add_argument("data", help="a .csv (header row) or .xlsx file")
    p.add_argument("--y", help="response: a header, a range like E3:E26, Table1[Units] or a name "
                              "(default: the last numeric column)")
    p.add_argument("--x", nargs="+", help="predictors: headers, ranges (B3:D26, B:B, 'Sheet'!B3:B26), table "
                                          "columns or names (default: the other numeric columns)")
    p.add_argument("--sheet", help="sheet of a workbook (default: the active sheet, else the first with numbers)")
    p.add_argument("--missing", choices=("error", "drop"), default="error",
                   help="a blank in a used column: error (default, naming the cell) or drop the row")
    p.set_defaults(handler=handler)
    return p


class _Parser(argparse.ArgumentParser):
    """argparse with gdfit's error style: one line on stderr, status 2."""

    def error(self, message: str):
        self.exit(2, f"gdfit: error: {message} (see '{self.prog} --help').\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gdfit", description=__doc__)
    parser.add_argument("--version", action="version", version=f"gdfit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    add_fit_options(_data_command(sub, "fit", "fit by gradient descent and print it next to the closed form",
                                  cmd_fit))
    add_fit_options(_data_command(sub, "compare", "gradient descent vs closed form, LINEST, ToolPak, Solver",
                                  cmd_compare))
    s = _data_command(sub, "summary", "the ToolPak-style SUMMARY OUTPUT", cmd_summary)
    s.add_argument("--confidence", type=float, default=0.95, help="confidence level (default 0.95)")
    s.add_argument("--residuals", action="store_true", help="add RESIDUAL and PROBABILITY OUTPUT")
    s.add_argument("--no-intercept", dest="fit_intercept", action="store_false", help="Constant is Zero")
    v = _data_command(sub, "solve", "the Solver-equivalent and its Answer Report", cmd_solve)
    v.add_argument("--allow-negative", action="store_true",
                   help="untick 'Make Unconstrained Variables Non-Negative'")
    v.add_argument("--no-intercept", dest="fit_intercept", action="store_false", help="line through the origin")
    t = sub.add_parser("train", help="fit a workbook's data and write gdfit's sheets into a copy of it")
    t.add_argument("book", help="an .xlsx or .xlsm workbook")
    t.add_argument("--sheet", help="data sheet (default: the active sheet, else the first with numbers)")
    t.add_argument("--x", nargs="+", help="predictors: headers, ranges (B3:D26, B:B, 'Sheet'!B3:B26), table "
                                          "columns or names (default: the other numeric columns)")
    t.add_argument("--y", help="response: a header, a range like E3:E26, Table1[Units] or a name "
                              "(default: the last numeric column)")
    t.add_argument("--missing", choices=("error", "drop"), default="error",
                   help="a blank in a used column: error (default, naming the cell) or drop the row")
    t.add_argument("--out", help="output workbook (default: BOOK_gdfit.xlsx beside the input)")
    t.add_argument("--in-place", action="store_true",
                   help="add gdfit's sheets to BOOK itself (written completely, then swapped in); "
                        "refused for .xls, .xlsb, .ods and Strict files, which give a new .xlsx")
    add_fit_options(t)
    t.set_defaults(handler=cmd_train)
    d = sub.add_parser("demo", help="train the built-in ad-spend example and write its workbook")
    d.add_argument("--out", default="ad_spend_demo.xlsx", help="workbook to write (default ad_spend_demo.xlsx)")
    add_fit_options(d)
    d.set_defaults(handler=cmd_demo)
    w = sub.add_parser("workbooks", help="rebuild the shipped workbooks")
    w.add_argument("--out-dir", default="workbooks", help="folder (default: workbooks)")
    w.set_defaults(handler=cmd_workbooks)
    from gdfit.excel.addin import add_addin_command
    add_addin_command(sub)
    return parser


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:
    print(f"gdfit: warning: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _one_line_warning
            status = args.handler(args)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit flush
        return status
    except BrokenPipeError:
        # The reader stopped early (`gdfit compare ... | head -1`): end quietly, as Unix tools do,
        # with stdout pointed at /dev/null so the exit flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a tool stopped by a closed pipe
    except ValueError as exc:  # every gdfit input/option error is a one-line ValueError
        print(f"gdfit: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("gdfit: interrupted; nothing was written.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
