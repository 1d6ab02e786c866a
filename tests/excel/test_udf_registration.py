"""What Excel learns about the worksheet functions when the add-in imports them.

xlwings registers classic UDFs on Windows only: ``xlwings.udfs`` (the real decorators and the
VBA generator behind "Import Functions") needs pywin32. Here it is loaded with stand-ins for the
three pywin32 modules it imports, and gdfit's UDF module is decorated by it for real.
"""
import importlib
import importlib.util
import io
import sys
import types
from pathlib import Path

import pytest
import xlwings as xw

import gdfit.excel.udfs as plain_udfs

# VBA's reserved words that could pass for argument names (VBA parameters take the Python names).
VBA_RESERVED = {"const", "dim", "end", "error", "for", "function", "if", "in", "is", "loop", "me",
                "mod", "name", "new", "next", "not", "nothing", "on", "option", "optional", "or",
                "property", "public", "private", "rem", "resume", "set", "static", "step", "stop",
                "string", "sub", "then", "to", "type", "until", "wend", "while", "with", "xor",
                "date", "double", "integer", "long", "single", "variant", "boolean", "empty",
                "null", "call", "case", "else", "exit", "get", "let", "lock", "open", "print",
                "put", "seek", "width", "write", "input", "line", "close"}


@pytest.fixture(scope="module")
def registered():
    stubs = {"pythoncom": types.SimpleNamespace(CoInitialize=lambda: None),
             "pywintypes": types.SimpleNamespace(com_error=OSError),
             "win32com": types.ModuleType("win32com"),
             "win32com.client": types.SimpleNamespace(Dispatch=None)}
    with pytest.MonkeyPatch.context() as mp:
        for name, module in stubs.items():
            mp.setitem(sys.modules, name, module)
        mp.delitem(sys.modules, "xlwings.udfs", raising=False)
        xl_udfs = importlib.import_module("xlwings.udfs")
        mp.setattr(xw, "func", xl_udfs.xlfunc)
        mp.setattr(xw, "arg", xl_udfs.xlarg)
        mp.setattr(xw, "ret", xl_udfs.xlret)
        spec = importlib.util.spec_from_file_location("gdfit.excel._registered_udfs",
                                                      Path(plain_udfs.__file__))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module, xl_udfs
        sys.modules.pop("xlwings.udfs", None)


def test_every_function_is_registered_in_the_gdfit_category_and_not_volatile(registered):
    module, _ = registered
    for name in plain_udfs.__all__:
        info = getattr(module, name).__xlfunc__
        assert (info["name"], info["category"], info["volatile"]) == (name, "gdfit", False)


def test_function_wizard_texts_are_whole_and_fit_excels_255_characters(registered):
    module, _ = registered
    for name in plain_udfs.__all__:
        info = getattr(module, name).__xlfunc__
        assert 40 < len(info["ret"]["doc"]) <= 255, name  # xlwings cuts the rest off
        for arg in info["args"]:
            assert not arg["doc"].startswith("Positional argument"), (name, arg["name"])
            assert len(arg["doc"]) <= 255 and arg["doc"].endswith("."), (name, arg["name"])


def test_ranges_arrive_as_2d_rows_with_error_values_as_text(registered):
    module, _ = registered
    args = {a["name"]: a for a in module.GD_FIT.__xlfunc__["args"]}
    assert args["known_y"]["options"] == {"ndim": 2, "err_to_str": True}
    assert args["known_x"]["options"] == {"ndim": 2, "err_to_str": True}
    assert "optional" not in args["known_y"] and args["known_x"]["optional"] is None
    order = [a["name"] for a in module.GD_FIT.__xlfunc__["args"]]
    assert order[:4] == ["known_y", "known_x", "constant", "stats"]  # LINEST's order


def test_argument_names_are_legal_in_vba(registered):
    module, _ = registered
    for name in plain_udfs.__all__:
        for arg in getattr(module, name).__xlfunc__["args"]:
            assert arg["name"].lower() not in VBA_RESERVED, (name, arg["name"])


def test_the_generated_vba_wrapper_calls_gdfit_from_the_add_in(registered):
    module, xl_udfs = registered
    out = io.StringIO()
    xl_udfs.generate_vba_wrapper("gdfit.excel.udfs", module, out,
                                 types.SimpleNamespace(Name="gdfit.xlam"))
    vba = out.getvalue()
    assert ("Function GD_LOSS(known_y, known_x, coefficients, Optional loss)") in vba
    assert ('GD_FIT = XLPy.CallUDF("gdfit.excel.udfs", "GD_FIT", Array(known_y, known_x, '
            "constant, stats, learning_rate, max_iter, loss, method, batch_size, seed, max_time), "
            "ActiveWorkbook, Application.Caller)") in vba
    assert "Application.Volatile" not in vba
