"""A mock Excel book: xlwings' own classes mocked with their real names and signatures.

Mocks specced on ``xlwings.main`` classes (a misspelt method, argument or property fails, see
``_fake``) whose side effects keep a little state (sheets, values, names) and log the same
normalised actions as ``backends.remote_actions``. Like the remote engine it cannot read chart
series, the status bar or the current region back (``NotImplementedError``), unless asked to
behave like desktop Excel (``com=True``, ``current_region=True``).
"""
from __future__ import annotations

import copy
import inspect
import re
from dataclasses import dataclass, field
from typing import Any, Callable
from unittest.mock import MagicMock, NonCallableMagicMock, PropertyMock

from xlwings import main as xm

from gdfit.report.a1 import MAX_ROW, Rect, a1_range, col_index, col_letter, parse_cell

__all__ = ["FakeExcel"]


def _type(name: str) -> str:
    return name.replace("_", "").lower()


def _unquote(ref: str) -> str:
    return ref.replace("$", "")


def _fake(cls, props: dict[str, tuple[Callable | None, Callable | None]] | None = None,
          methods: dict[str, Callable] | None = None):
    """A mock of an instance of ``cls`` that only does what the real class can.

    ``spec_set=cls``: reading or writing an attribute ``cls`` does not have fails. ``props``
    must be real properties (a setter only where ``cls`` has one). Each method in ``methods``
    checks its arguments against the real signature first, as ``create_autospec`` does (which
    costs ~20 ms per Range: too slow for a fake that hands out hundreds).
    """
    mock = NonCallableMagicMock(spec_set=cls)
    for name, (get, put) in (props or {}).items():
        prop = getattr(cls, name)
        assert isinstance(prop, property), f"{cls.__name__}.{name} is not a property"
        assert put is None or prop.fset is not None, f"{cls.__name__}.{name} is read-only"

        def effect(*value, _get=get, _put=put, _name=name):
            if value:
                if _put is None:
                    raise AttributeError(f"can't set {cls.__name__}.{_name}")
                return _put(value[0])
            if _get is None:
                raise AssertionError(f"{cls.__name__}.{_name} was read; the fake cannot")
            return _get()

        setattr(type(mock), name, PropertyMock(side_effect=effect))
    for name, effect in (methods or {}).items():
        getattr(mock, name).side_effect = _checked(cls, name, effect)
    return mock


def _checked(cls, name: str, effect: Callable) -> Callable:
    signature = inspect.signature(getattr(cls, name))

    def call(*args, **kwargs):
        signature.bind(None, *args, **kwargs)  # TypeError as the real method would raise
        return effect(*args, **kwargs)
    return call


def _unsupported(what: str):
    def raiser(*_):
        raise NotImplementedError(f"{what} is not supported on this engine")
    return raiser


@dataclass
class _SheetState:
    name: str
    values: list[list[Any]]
    names: dict[str, str] = field(default_factory=dict)
    tables: list[str] = field(default_factory=list)
    charts: int = 0
    visible: bool = True


class FakeExcel:
    """An autospec'd book over a payload (same format as the remote engine's)."""

    def __init__(self, data: dict, *, current_region: bool = False, com: bool = False) -> None:
        data = copy.deepcopy(data)
        self.sheets = [_SheetState(s["name"], s.get("values") or [[None]],
                                   visible=s.get("visibility", "Visible") == "Visible")
                       for s in data["sheets"]]
        for n in data.get("names", []):
            self.sheets[n["scope_sheet_index"]].names[n["name"]] = n.get("refers_to")
        self.name = data["book"]["name"]
        self.active = data["book"]["active_sheet_index"]
        self.selection = data["book"]["selection"]
        self.current_region = current_region
        self.com = com
        self.actions: list[tuple] = []
        self.status: Any = False
        self.app_api = MagicMock(name="Application")
        self._made: dict[tuple, Any] = {}
        self.chart_api: dict[tuple, MagicMock] = {}
        self.chart_columns: dict[tuple, int] = {}
        self.com_series: dict[tuple, list] = {}
        self.name_api: dict[tuple, MagicMock] = {}
        self.book_names: dict[str, str] = {}  # workbook-scoped: name -> refers_to
        self.book = self._book()

    def _once(self, key: tuple, make: Callable[[], Any]):
        """One fake per object: autospec'ing a class costs milliseconds."""
        if key not in self._made:
            self._made[key] = make()
        return self._made[key]

    def log(self, *action) -> None:
        self.actions.append(action)

    def state(self, name: str) -> _SheetState:
        return next(s for s in self.sheets if s.name == name)

    # -- book, app, sheets
    def _book(self):
        return _fake(xm.Book, props={
            "sheets": (lambda: self._sheets(), None), "app": (lambda: self._app(), None),
            "name": (lambda: self.name, None), "names": (lambda: self._book_names(), None),
            "selection": (lambda: self._range(self.sheets[self.active], self.selection), None)})

    def _app(self):
        engine = _fake(xm.Engine, props={"name": (lambda: "excel" if self.com else "remote", None)})
        return _fake(xm.App, props={
            "status_bar": (self._get_status, self._set_status),
            "screen_updating": (lambda: True, lambda v: None),
            "engine": (lambda: engine, None), "api": (lambda: self.app_api, None)},
            methods={"alert": lambda prompt, title=None, *a, **k: self.log("alert", prompt)})

    def _get_status(self):
        if not self.com:
            raise NotImplementedError("App.status_bar is not supported on this engine")
        return self.status

    def _set_status(self, value):
        self._get_status()
        self.status = value
        self.log("status", value)

    def _sheets(self):
        def get(key):
            return self._sheet(self.sheets[key] if isinstance(key, int) else self.state(key))

        def add(name=None, before=None, after=None):
            index = self.sheets.index(self.state(before.name)) if before is not None else \
                self.sheets.index(self.state(after.name)) + 1
            state = _SheetState(name, [[None]])
            self.sheets.insert(index, state)
            self.log("addSheet", name)
            return self._sheet(state)

        sheets = _fake(xm.Sheets, methods={"add": add})
        sheets.__iter__.side_effect = lambda: iter([self._sheet(s) for s in self.sheets])
        sheets.__len__.side_effect = lambda: len(self.sheets)
        sheets.__getitem__.side_effect = lambda key: get(key if not isinstance(key, int)
                                                         or key >= 0 else len(self.sheets) + key)
        return sheets

    def _sheet(self, state: _SheetState):
        return self._once(("sheet", id(state)), lambda: self._make_sheet(state))

    def _make_sheet(self, state: _SheetState):
        def rename(value):
            self.log("renameSheet", state.name, value)
            state.name = value

        def delete():
            self.log("deleteSheet", state.name)
            self.sheets.remove(state)

        sheet = _fake(xm.Sheet, props={
            "name": (lambda: state.name, rename), "book": (lambda: self.book, None),
            "names": (lambda: self._names(state), None),
            "tables": (lambda: self._tables(state), None),
            "charts": (lambda: self._charts(state), None),
            "freeze_panes": (lambda: self._freeze(state), None),
            "visible": (lambda: state.visible, lambda v: setattr(state, "visible", v)),
            "used_range": (lambda: self._range(state, self._used(state)), None),
            "api": (lambda: self._once(("sheet api", id(state)), MagicMock), None)},
            methods={"range": lambda c1, c2=None: self._range(state, c1, c2),
                     "delete": delete, "activate": lambda: self.log("activate", state.name)})
        sheet.__getitem__.side_effect = lambda key: self._range(state, key)
        return sheet

    @staticmethod
    def _used(state: _SheetState) -> str:
        return a1_range(Rect(1, 1, len(state.values), max(len(r) for r in state.values)))

    # -- ranges
    def _rect(self, c1, c2=None) -> tuple[Rect, bool]:
        if isinstance(c1, tuple):
            r2, k2 = c2 if c2 is not None else c1
            return Rect(c1[0], c1[1], r2, k2), False
        text = _unquote(c1.rsplit("!", 1)[-1])
        first, _, last = text.partition(":")
        if re.fullmatch(r"[A-Z]+", first):
            return Rect(1, col_index(first), MAX_ROW, col_index(last or first)), True
        (a, b), (c, d) = parse_cell(first), parse_cell(last or first)
        return Rect(a, b, c, d), False

    def _range(self, state: _SheetState, c1, c2=None, ndim: int | None = None):
        return self._once(("range", id(state), c1, c2, ndim),
                          lambda: self._make_range(state, c1, c2, ndim))

    def _make_range(self, state: _SheetState, c1, c2=None, ndim: int | None = None):
        rect, columns = self._rect(c1, c2)
        where = (f"{col_letter(rect.min_col)}:{col_letter(rect.max_col)}" if columns
                 else a1_range(rect))

        def setter(kind):
            return lambda value: self.log(kind, state.name, where, value)

        def read():
            rows = [[state.values[r - 1][c - 1] if r <= len(state.values)
                     and c <= len(state.values[r - 1]) else None
                     for c in range(rect.min_col, rect.max_col + 1)]
                    for r in range(rect.min_row, rect.max_row + 1)]
            if ndim == 2:
                return rows
            flat = rows[0] if len(rows) == 1 else [r[0] for r in rows] \
                if rect.shape[1] == 1 else rows
            return flat[0] if rect.shape == (1, 1) else flat

        region = (lambda: self._range(state, a1_range(_current_region(state.values, rect)))) \
            if self.current_region else _unsupported("Range.current_region")
        def write(value):
            rows = _grid(value)  # Excel fills the block the rows need, from the top-left cell
            block = Rect(rect.min_row, rect.min_col, rect.min_row + len(rows) - 1,
                         rect.min_col + len(rows[0]) - 1)
            self.log("values", state.name, a1_range(block), rows)

        return _fake(xm.Range, props={
            "value": (read, write),
            "formula": (None, setter("formula")), "formula_array": (None, setter("formulaArray")),
            "number_format": (None, setter("numberFormat")),
            "column_width": (None, setter("columnWidth")), "color": (None, setter("fill")),
            "row_height": (None, setter("rowHeight")), "wrap_text": (None, setter("wrapText")),
            "font": (lambda: self._font(state.name, where), None),
            "borders": (lambda: self._borders(state.name, where), None),
            "address": (lambda: "$" + where.replace(":", ":$"), None),
            "sheet": (lambda: self._sheet(state), None),
            "current_region": (region, None),
            "last_cell": (lambda: self._range(state, (rect.max_row, rect.max_col)), None)},
            methods={"options": lambda *a, **k: self._range(state, c1, c2, k.get("ndim")),
                     "merge": lambda across=False: self.log("merge", state.name, where)})

    def _font(self, sheet: str, where: str):
        return self._once(("font", sheet, where), lambda: self._make_font(sheet, where))

    def _make_font(self, sheet: str, where: str):
        props = {p: (None, lambda v, p=p: self.log("font", sheet, where, p, v))
                 for p in ("bold", "italic", "size", "color")}
        return _fake(xm.Font, props=props)

    def _borders(self, sheet: str, where: str):
        def border(side):
            return _fake(xm.Border, props={"line_style": (None, lambda v: self.log(
                "border", sheet, where, side, "line_style", v))})
        borders = _fake(xm.Borders)
        borders.__getitem__.side_effect = border
        return borders

    # -- names, tables, freeze panes, charts
    def _names(self, state: _SheetState):
        def name(short):
            api = self.name_api.setdefault((state.name, short), MagicMock(name=f"Name {short}"))
            return _fake(xm.Name, props={"name": (lambda: f"{state.name}!{short}", None),
                                         "refers_to": (lambda: state.names[short], None),
                                         "api": (lambda: api, None)})

        def add(name_, refers_to):
            state.names[name_] = refers_to
            self.log("name", state.name, name_, refers_to)
            return name(name_)

        names = _fake(xm.Names, methods={"add": add})
        names.__iter__.side_effect = lambda: iter([name(n) for n in state.names])
        return names

    def _book_names(self):
        def add(name_, refers_to):
            self.book_names[name_] = refers_to
            self.log("name", None, name_, refers_to)  # no sheet: as the remote engine logs it
            return _fake(xm.Name, props={"name": (lambda: name_, None), "refers_to": (lambda: refers_to, None)})

        return _fake(xm.Names, methods={"add": add})

    def _tables(self, state: _SheetState):
        def add(source=None, name=None, source_type=None, link_source=None, has_headers=True,
                destination=None, table_style_name="TableStyleMedium2"):
            state.tables.append(name)
            self.log("table", state.name, _unquote(source.address), name, table_style_name)

        tables = _fake(xm.Tables, methods={"add": add})
        tables.__iter__.side_effect = lambda: iter(
            [_fake(xm.Table, props={"name": (lambda n=n: n, None)}) for n in state.tables])
        return tables

    def _freeze(self, state: _SheetState):
        return _fake(xm.FreezePanes, methods={
            "freeze_at": lambda frozen: self.log("freeze", state.name, frozen)})

    def _charts(self, state: _SheetState):
        def add(left=0, top=0, width=355, height=211, chart_type=None, source=None, plot_by=None,
                name=None, anchor=None, style=227):
            index = state.charts
            state.charts += 1
            self.chart_columns[(state.name, index)] = self._rect(source.address)[0].shape[1]
            self.log("chart", state.name, index, {
                "type": _type(chart_type), "source": f"{source.sheet.name}!{_unquote(source.address)}",
                "anchor": _unquote(anchor.address), "width": width, "height": height,
                "plot_by": plot_by})
            return self._chart(state.name, index)
        return _fake(xm.Charts, methods={"add": add})

    def _chart(self, sheet: str, index: int):
        def axis(which):
            return _fake(xm.ChartAxis, methods={
                "set": lambda **kw: self.log("chartAxis", sheet, index, which, kw)})

        legend = _fake(xm.ChartLegend, props={
            p: (None, lambda v, p=p: self.log("chartLegend", sheet, index, p, v))
            for p in ("position", "visible")})
        api = self.chart_api[(sheet, index)] = MagicMock(name=f"chart {sheet} {index}")
        added = self.com_series.setdefault((sheet, index), [])
        api.SeriesCollection.return_value.NewSeries.side_effect = \
            lambda: added.append(MagicMock(name="Series")) or added[-1]
        series = (lambda: self._series(sheet, index)) if self.com \
            else _unsupported("Chart.series")
        return _fake(xm.Chart, props={
            "title": (None, lambda v: self.log("chartTitle", sheet, index, v)),
            "legend": (lambda: legend, None),
            "category_axis": (lambda: axis("category"), None),
            "value_axis": (lambda: axis("value"), None),
            "series": (series, None), "api": (lambda: (MagicMock(), api), None)},
            methods={"set_x_axis_values": lambda source: self.log(
                "chartX", sheet, index, f"{source.sheet.name}!{_unquote(source.address)}")})


    def _series(self, sheet: str, index: int):
        """Desktop engines read a chart's series back: formats are logged per position."""
        def one(i):
            return _fake(xm.ChartSeries, methods={
                "set": lambda **kw: self.log("seriesFormat", sheet, index, i, kw)})
        collection = _fake(xm.ChartSeriesCollection)
        collection.__len__.side_effect = lambda: (self.chart_columns[(sheet, index)]
                                                  + len(self.com_series[(sheet, index)]))
        collection.__getitem__.side_effect = one
        return collection


def _current_region(values: list[list[Any]], rect: Rect) -> Rect:
    """Excel's CurrentRegion: grow the block while a neighbouring cell is not blank."""
    def filled(r, c):
        return 1 <= r <= len(values) and 1 <= c <= len(values[r - 1]) \
            and values[r - 1][c - 1] not in (None, "")
    top, left, bottom, right = rect.min_row, rect.min_col, rect.max_row, rect.max_col
    while True:
        grown = (top - (top > 1 and any(filled(top - 1, c) for c in range(left - 1, right + 2))),
                 left - (left > 1 and any(filled(r, left - 1) for r in range(top - 1, bottom + 2))),
                 bottom + any(filled(bottom + 1, c) for c in range(left - 1, right + 2)),
                 right + any(filled(r, right + 1) for r in range(top - 1, bottom + 2)))
        if grown == (top, left, bottom, right):
            return Rect(top, left, bottom, right)
        top, left, bottom, right = grown


def _grid(value: Any) -> list[list[Any]]:
    if isinstance(value, list) and value and isinstance(value[0], list):
        return [list(r) for r in value]
    return [[value]]
