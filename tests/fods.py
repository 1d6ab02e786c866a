"""Flat ODF spreadsheets (.fods) for tests: LibreOffice converts them to xlsx, xls, ods..., so the
files gdfit reads are written by a spreadsheet program, with formula results calculated and saved."""
import datetime as dt
from xml.sax.saxutils import escape, quoteattr

_NS = " ".join(f'xmlns:{k}="urn:oasis:names:tc:opendocument:xmlns:{v}"' for k, v in [
    ("office", "office:1.0"), ("table", "table:1.0"), ("text", "text:1.0"), ("of", "of:1.2"),
    ("style", "style:1.0"), ("number", "datastyle:1.0")])
_STYLES = ('<office:automatic-styles>'
           '<number:date-style style:name="N1"><number:year number:style="long"/><number:text>-</number:text>'
           '<number:month number:style="long"/></number:date-style>'
           '<number:currency-style style:name="N2"><number:currency-symbol>$</number:currency-symbol>'
           '<number:number number:decimal-places="0" number:grouping="true"/></number:currency-style>'
           '<style:style style:name="month" style:family="table-cell" style:data-style-name="N1"/>'
           '<style:style style:name="dollars" style:family="table-cell" style:data-style-name="N2"/>'
           '</office:automatic-styles>')


class Formula(str):
    """An ODF formula, e.g. ``of:=SUM([.B5:.B29])``: LibreOffice calculates and saves its result."""


class Dollars(float):
    """A number shown as currency ("$13,830"), stored as a number as Excel stores it."""


def _cell(value):
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, Formula):
        return f"<table:table-cell table:formula={quoteattr(value)}/>"
    if isinstance(value, Dollars):
        return (f'<table:table-cell table:style-name="dollars" office:value-type="currency" office:currency="USD" '
                f'office:value="{float(value)!r}"/>')
    if isinstance(value, dt.date):
        return f'<table:table-cell table:style-name="month" office:value-type="date" office:date-value="{value}"/>'
    if isinstance(value, (int, float)):
        return f'<table:table-cell office:value-type="float" office:value="{value!r}"/>'
    return f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'


def fods(sheets, extra=""):
    """A flat ODF spreadsheet: ``sheets`` maps names to rows of cell values (None: a blank cell or row)."""
    tables = "".join(f"<table:table table:name={quoteattr(name)}>"
                     + "".join("<table:table-row>" + "".join(map(_cell, row or [None])) + "</table:table-row>"
                               for row in rows) + "</table:table>" for name, rows in sheets.items())
    return (f'<?xml version="1.0" encoding="UTF-8"?><office:document {_NS} office:version="1.2" '
            f'office:mimetype="application/vnd.oasis.opendocument.spreadsheet">{_STYLES}'
            f"<office:body><office:spreadsheet>{tables}{extra}</office:spreadsheet></office:body></office:document>")
