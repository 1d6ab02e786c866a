"""The ``gdfit`` command: fit, compare and demo on CSV or Excel data, headless."""
from __future__ import annotations

import argparse
import math
import os
import sys
import time
import warnings
from typing import Any, Callable, Sequence

from gdfit import __version__
from gdfit.cli_text import Figure, is_terminal, output_width, paragraph, rows_text, table_text

FIT_OPTIONS = ("loss", "method", "optimizer", "learning_rate", "schedule", "batch_size", "max_iter",
               "tol", "grad_tol", "max_time", "seed", "scale", "init", "n_starts")


def say(text: str = "") -> None:
    """Text on stdout, wrapped to the terminal (100 columns when piped)."""
    print(paragraph(text, output_width(sys.stdout)))


def tell(message: str) -> None:
    """One message on stderr, after "gdfit: ". Wrapped when a person reads it on a terminal; one
    line when stderr is piped or logged, as the README promises, so each message stays one line for
    grep and scripts."""
    text = f"gdfit: {message}"
    if is_terminal(sys.stderr):
        text = paragraph(text, output_width(sys.stderr), indent=" " * len("gdfit: "))
    print(text, file=sys.stderr)


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
        tail = f" {done}/{total}  loss {loss:.6g}"
        # a line longer than the terminal wraps, and "\r" would then redraw only its last part
        width = max(min(self.width, output_width(self.stream) - len(tail) - 3), 1)
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r[{bar}]{tail}")
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


def side_by_side(result, closed, width: int = 100) -> str:
    """Plain-text table: each parameter by gradient descent and by the closed form (10 significant
    digits), their relative difference (3), the loss, then how the run went."""
    import numpy as np  # local: --version, --help and usage errors start without numpy

    names = [*result.labels, "intercept"] if closed.fit_intercept else list(result.labels)
    gd = np.append(result.coef, result.intercept) if closed.fit_intercept else result.coef
    cf = closed.params
    rows: list[list[Any]] = []
    for name, a, b in zip(names, gd, cf):
        rel = abs(a - b) / abs(b) if b else abs(a - b)
        rows.append([str(name), float(a), float(b), Figure(f"{rel:.2e}")])
    rows.append([f"{result.loss_name} (loss)", float(result.loss), None, None])
    lines = [table_text(["parameter", "gradient descent", "closed form", "rel. diff"], rows, width),
             paragraph(f"iterations: {result.n_iter}   converged: {result.converged}   "
                       f"learning rate: {result.learning_rate:.6g}", width),
             paragraph(result.message, width)]
    return "\n".join(lines)


def run_fit(X, y, options: dict[str, Any], out: Callable[[str], None]) -> int:
    from gdfit import closed_form, fit
    if str(options.get("loss", "")).lower() == "log":
        raise CommandError("--loss log is logistic regression; run 'gdfit logit' for it beside Newton's "
                           "maximum (this command compares with the least-squares line).")
    bar = ProgressBar()
    try:
        result = fit(X, y, progress=bar, **options)
    finally:
        bar.close()
    closed = closed_form(X, y, fit_intercept=options.get("fit_intercept", True))
    out(side_by_side(result, closed, output_width(sys.stdout)))
    return 0


def _data(args: argparse.Namespace, y_labels: bool = False):
    """X and y through gdfit.read_data, saying on stderr what was read and what was left out."""
    from gdfit.files.read import read_data  # local: the reader pulls pandas and python-calamine

    data = read_data(args.data, sheet=args.sheet, x=args.x, y=args.y, missing=args.missing, y_labels=y_labels)
    for line in (data.where, *data.notes, *data.skipped):
        tell(line)
    return data.X, data.y


def cmd_fit(args: argparse.Namespace) -> int:
    X, y = _data(args)
    return run_fit(X, y, fit_options(args), print)


#: How ``comparison_text`` prints the columns that are not parameters, SSE or R² (10 significant digits).
_COMPARE_FORMATS = {"iterations": "{:d}", "seconds": "{:.3g}", "max rel. diff vs closed form": "{:.3g}"}


def comparison_text(cmp, width: int = 100) -> str:
    """The parity table, one column per method and one row per quantity, then its notes.

    Turned on its side (the methods are few, the coefficients as many as the data has) so that it
    fits a terminal; coefficients, intercept, SSE and R² keep 10 significant digits, run times and
    relative differences 3, and a method a quantity does not apply to shows "n/a".
    """
    import pandas as pd  # local: --version, --help and usage errors start without pandas

    rows = []
    for quantity in cmp.table.columns:
        fmt = _COMPARE_FORMATS.get(quantity)
        cells = []
        for value in cmp.table[quantity]:
            if value is pd.NA:  # not applicable (a closed form has no iterations); NaN stays "nan"
                cells.append(Figure("n/a"))
            else:
                cells.append(Figure(fmt.format(value)) if fmt and math.isfinite(value) else float(value))
        rows.append([str(quantity), *cells])
    table = table_text(["", *cmp.table.index], rows, width)
    return "\n".join([table, "", *(paragraph(note, width) for note in cmp.notes)])


def blocks_text(rows) -> str:
    """:func:`rows_text` for each run of table rows; a row of one cell (a title, a note) stands alone
    so that its length does not widen the columns."""
    out, block = [], []
    for row in [*rows, None]:
        if row is not None and len(row) > 1:
            block.append(row)
            continue
        if block:
            out.append(rows_text(block))
            block = []
        if row is not None:
            out.append("" if not row or row[0] is None else str(row[0]))
    return "\n".join(out)


def cmd_compare(args: argparse.Namespace) -> int:
    from gdfit import compare
    X, y = _data(args)
    options = fit_options(args)
    print(comparison_text(compare(y, X, const=options.pop("fit_intercept"), **options),
                          output_width(sys.stdout)))
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from gdfit import regression_output
    X, y = _data(args)
    rows = regression_output(y, X, const=args.fit_intercept, confidence=args.confidence, labels=True,
                             residuals=args.residuals, probability=args.residuals)
    print(rows_text(rows, output_width(sys.stdout)))
    return 0


def cmd_solve(args: argparse.Namespace) -> int:
    from gdfit import solve
    X, y = _data(args)
    result = solve(y, X, const=args.fit_intercept, assume_nonnegative=not args.allow_negative)
    print(rows_text(result.answer_report(), output_width(sys.stdout)))
    return 0


def cmd_logit(args: argparse.Namespace) -> int:
    from gdfit import compare
    from gdfit.core.logistic.output import logistic_output
    X, y = _data(args, y_labels=True)
    options = fit_options(args)
    options.pop("loss", None)
    const = options.pop("fit_intercept")
    solver = {"assume_nonnegative": not args.allow_negative}
    cmp = compare(y, X, const=const, model="logistic", positive=args.positive, l2=args.l2,
                  solver_options=solver, **options)
    print(blocks_text(logistic_output(cmp.mle, threshold=args.threshold)))
    print()
    print(comparison_text(cmp))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from gdfit.files.workbooks import build_ad_spend
    options = fit_options(args)
    options.pop("fit_intercept")  # the lesson's model always has an intercept
    report, cmp = build_ad_spend(args.out, **options)
    say("Ad spend ($k) vs sales ($100k), 30 months: gradient descent next to Excel's methods")
    say()
    print(comparison_text(cmp, output_width(sys.stdout)))
    say()
    say(f"wrote {args.out}: sheets {', '.join(s.name for s in report.sheets)}")
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from gdfit.files.train import train_book
    options = fit_options(args)
    bar = ProgressBar()
    try:
        if args.model == "logistic":
            options.pop("loss", None)
            options.update(l2=args.l2, positive=args.positive)
        result = train_book(args.book, sheet=args.sheet, x=args.x, y=args.y, out=args.out,
                            in_place=args.in_place, missing=args.missing, model=args.model, progress=bar,
                            **options)
    finally:
        bar.close()
    # after the run, so that a refusal of the data stays one line on stderr
    for line in (result.data.where, *result.data.notes, *result.data.skipped, *result.warnings):
        tell(line)
    print(comparison_text(result.comparison, output_width(sys.stdout)))
    say()
    say(f"wrote {result.output}: sheets {', '.join(result.sheets)}")
    for line in result.notes:
        say(line)
    return 0


def cmd_workbooks(args: argparse.Namespace) -> int:
    from gdfit.files.workbooks import build_all
    for path in build_all(args.out_dir):
        say(f"wrote {path}")
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

    def __init__(self, *args, **kwargs) -> None:
        # every parser, the sub-commands' too (argparse builds them with this class), lays its help
        # out to the terminal's width, at most 100 columns when piped
        kwargs.setdefault("formatter_class", _help_formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str):
        tell(f"error: {message} (see '{self.prog} --help').")
        self.exit(2)


def _help_formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.HelpFormatter(prog, width=output_width(sys.stdout))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gdfit", description=__doc__)
    parser.add_argument("--version", action="version", version=f"gdfit {__version__}")
    # a metavar, not argparse's "{fit,compare,...}": that list is one word too long to wrap
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")
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
    lg = _data_command(sub, "logit", "logistic regression: Newton's maximum likelihood, gradient descent "
                                     "and the Solver recipe", cmd_logit)
    add_fit_options(lg)
    lg.add_argument("--l2", type=float, default=0.0,
                    help="ridge penalty on the standardised coefficients, intercept not penalised (default 0)")
    lg.add_argument("--positive", type=_number_or_word,
                    help="the y value modelled as 1 (default: the larger of the two)")
    lg.add_argument("--threshold", type=float, default=0.5,
                    help="probability at which a row is classified positive (default 0.5)")
    lg.add_argument("--allow-negative", action="store_true",
                    help="Solver: untick 'Make Unconstrained Variables Non-Negative'")
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
    t.add_argument("--model", choices=("linear", "logistic"), default="linear",
                   help="linear (default) or logistic: logistic regression of a y of two values")
    t.add_argument("--l2", type=float, default=0.0, help="logistic: ridge penalty on the standardised coefficients")
    t.add_argument("--positive", type=_number_or_word, help="logistic: the y value modelled as 1")
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
    tell(f"warning: {message}")


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
        tell(f"error: {exc}")
        return 2
    except KeyboardInterrupt:
        tell("interrupted; nothing was written.")
        return 130


if __name__ == "__main__":
    sys.exit(main())
