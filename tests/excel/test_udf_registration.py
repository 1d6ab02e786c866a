"""What Excel learns about the worksheet functions when the add-in imports them.

xlwings registers classic UDFs on Windows only: ``xlwings.udfs`` (the real decorators and the
VBA generator behind "Import Functions") needs pywin32. Here it is loaded with stand-ins for the
three pywin32 modules it imports, and gdfit's UDF module is decorated by it for real; its
``import_udfs`` then runs against stand-ins of the add-in's VBA project (Train's first click).
"""
import importlib
import importlib.util
import io
import re
import sys
import types
from pathlib import Path

import pytest
import xlwings as xw

import gdfit.excel.udfs as plain_udfs
from gdfit.excel import macros

# VBA's reserved words that could pass for argument names (VBA parameters take the Python names).
VBA_RESERVED = {"const", "dim", "end", "error", "for", "function", "if", "in", "is", "loop", "me",
                "mod", "name", "new", "next", "not", "nothing", "on", "option", "optional", "or",
                "property", "public", "private", "rem", "resume", "set", "static", "step", "stop",
                "string", "sub", "then", "to", "type", "until", "wend", "while", "with", "xor",
                "date", "double", "integer", "long", "single", "variant", "boolean", "empty",
                "null", "call", "case", "else", "exit", "get", "let", "lock", "open", "print",
                "put", "seek", "width", "write", "input", "line", "close"}


class ComError(Exception):
    """Stands in for pywintypes.com_error: args (hresult, text, excepinfo, argerror), where
    excepinfo's third item is Excel's own description."""


@pytest.fixture(scope="module")
def registered():
    stubs = {"pythoncom": types.SimpleNamespace(CoInitialize=lambda: None),
             "pywintypes": types.SimpleNamespace(com_error=ComError),
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


# ---- Train's first click: the functions imported into the add-in, as ImportPythonUDFsToAddin does

class FakeComponents:
    """``VBProject.VBComponents``: what xlwings' import_udfs removes and imports."""

    def __init__(self):
        self.modules, self.removed = {}, []

    @property
    def Count(self):
        return len(self.modules)

    def __call__(self, name):
        if name not in self.modules:
            raise ComError(-2147352567, "Subscript out of range")
        return name

    def Remove(self, name):
        self.removed.append(name)
        del self.modules[name]

    def Import(self, path):
        code = Path(path).read_text()
        name = code.split('Attribute VB_Name = "', 1)[1].split('"', 1)[0]
        self.modules[name] = code


class FakeNames:
    def __init__(self):
        self.formulas = {}

    def __call__(self, name):
        if name not in self.formulas:
            raise ComError(-2147352567, "Exception occurred.")
        return types.SimpleNamespace(RefersTo=self.formulas[name])

    def Add(self, Name, RefersTo, Visible):
        assert Visible is False  # hidden from Name Manager
        self.formulas[Name] = RefersTo


class FakeAddin:
    """The add-in workbook of Excel's object model, as far as importing functions goes."""

    def __init__(self, trusted=True):
        self.Name, self.trusted, self.saved = "gdfit.xlam", trusted, 0
        self.components, self.Names, self.macro_options = FakeComponents(), FakeNames(), []
        self.Application = types.SimpleNamespace(
            Version="16.0", MacroOptions=lambda macro, **kw: self.macro_options.append((macro, kw)),
            Run=self._run)

    @property
    def VBProject(self):
        if not self.trusted:
            raise ComError(-2147352567, "Exception occurred.", (0, "Microsoft Excel", "Programmatic "
                           "access to Visual Basic Project is not trusted\n", None, 0, -2146827284), None)
        return types.SimpleNamespace(VBComponents=self.components)

    def _run(self, macro, *args):
        raise AssertionError(f"a VBA macro ran: {macro}")  # its errors would be VBA dialogs

    def Save(self):
        self.saved += 1


class FakeApplication:
    def __init__(self, addin):
        self.addin = addin

    def Workbooks(self, name):
        if self.addin is None or name != self.addin.Name:
            raise ComError(-2147352565, "Invalid index.")
        return self.addin


@pytest.fixture
def importer(registered, monkeypatch):
    """xlwings' import_udfs as on Windows: the decorated module is what it finds for the name."""
    module, xl_udfs = registered
    monkeypatch.setattr(xl_udfs, "__pro__", False)  # the classic add-in without a licence key
    monkeypatch.setitem(xl_udfs.udf_modules, "gdfit.excel.udfs",
                        {"module": module, "filetime": None, "filename": module.__file__})
    monkeypatch.setitem(sys.modules, "xlwings.udfs", xl_udfs)
    return module


def _procedures(vba_text):
    """The Function names in VBA source, read with oletools' olevba as the add-in tests do."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from oletools.olevba import VBA_Parser
    parser = VBA_Parser("xlwings_udfs.bas", data=vba_text.encode())
    codes = [code for _, _, _, code in parser.extract_macros()]
    parser.close()
    assert len(codes) == 1
    return re.findall(r"^Function (\w+)\(", codes[0], re.M), codes[0]


def test_the_first_train_imports_the_functions_into_the_add_in_and_saves_it(importer):
    addin = FakeAddin()
    note = macros.import_functions(FakeApplication(addin))
    assert note == ("gdfit: the worksheet functions (" + ", ".join(plain_udfs.__all__) + ") are now "
                    "in Excel, in the gdfit category of Insert Function.")
    names, code = _procedures(addin.components.modules["xlwings_udfs"])
    assert sorted(names) == sorted(plain_udfs.__all__)
    assert code.count("End Function") == len(plain_udfs.__all__)
    assert ('GD_FIT = XLPy.CallUDF("gdfit.excel.udfs", "GD_FIT", Array(known_y, known_x, constant, '
            "stats, learning_rate, max_iter, loss, method, batch_size, seed, max_time), "
            "ActiveWorkbook, Application.Caller)") in code
    options = dict(addin.macro_options)
    assert sorted(options) == sorted(f"'gdfit.xlam'!{n}" for n in plain_udfs.__all__)
    fit = options["'gdfit.xlam'!GD_FIT"]
    assert fit["Category"] == "gdfit" and fit["Description"] == importer.GD_FIT.__xlfunc__["ret"]["doc"]
    assert fit["ArgumentDescriptions"] == [a["doc"] for a in importer.GD_FIT.__xlfunc__["args"]]
    assert addin.saved == 1
    stamp = addin.Names.formulas[macros.FUNCTIONS_NAME]
    assert re.fullmatch(r'="gdfit 0\.1\.0 [0-9a-f]{12}"', stamp)
    # The next click finds them and does nothing: no second import, no second save, no message.
    assert macros.import_functions(FakeApplication(addin)) is None
    assert addin.components.removed == [] and addin.saved == 1


def test_a_changed_udf_module_is_imported_again(importer, monkeypatch):
    addin = FakeAddin()
    addin.Names.Add(Name=macros.FUNCTIONS_NAME, RefersTo='="gdfit 0.0.9 000000000000"', Visible=False)
    addin.components.modules["xlwings_udfs"] = 'Attribute VB_Name = "xlwings_udfs"\n'
    assert macros.import_functions(FakeApplication(addin)).startswith("gdfit: the worksheet functions")
    assert addin.components.removed == ["xlwings_udfs"]  # xlwings replaces its module
    assert "Function GD_FIT(" in addin.components.modules["xlwings_udfs"]


def test_without_trusted_access_one_line_says_where_to_tick_it_once_per_session(importer):
    addin = FakeAddin(trusted=False)
    assert macros.import_functions(FakeApplication(addin)) == (
        "gdfit: for =GD_FIT() and the other worksheet functions, tick File > Options > Trust Center "
        "> Trust Center Settings > Macro Settings > \"Trust access to the VBA project object model\", "
        "then click Train again.")
    assert addin.components.modules == {} and addin.saved == 0 and addin.macro_options == []
    assert macros.import_functions(FakeApplication(addin)) is None  # said once
    addin.trusted = True  # ticked, Train clicked again in the same session
    assert macros.import_functions(FakeApplication(addin)).startswith("gdfit: the worksheet functions")
    assert "xlwings_udfs" in addin.components.modules and addin.saved == 1


def test_a_failed_save_or_import_is_one_line_too(importer, monkeypatch):
    addin = FakeAddin()
    denied = ComError(-2147352567, "Exception occurred.", (0, "Microsoft Excel", "Cannot access "
                      "'gdfit.xlam'.", "xlmain11.chm", 0, -2146827284), None)  # pywin32's shape
    monkeypatch.setattr(addin, "Save", lambda: (_ for _ in ()).throw(denied))
    assert macros.import_functions(FakeApplication(addin)) == (
        "gdfit: the worksheet functions are ready for this session; saving gdfit.xlam failed "
        "(Cannot access 'gdfit.xlam'.), so Train imports them again next time.")
    broken = FakeAddin()
    monkeypatch.setattr(broken.components, "Import", lambda path: (_ for _ in ()).throw(
        ComError("Automation error")))
    monkeypatch.setattr(broken.Application, "Run", lambda macro, path: (_ for _ in ()).throw(
        ComError(f"Cannot run the macro '{macro}'.")))
    assert macros.import_functions(FakeApplication(broken)) == (
        "gdfit: could not import the worksheet functions (Cannot run the macro 'ImportXlwingsUdfsModule'.).")
    assert broken.saved == 0 and macros.FUNCTIONS_NAME not in broken.Names.formulas


def test_no_gdfit_add_in_open_means_nothing_to_import():
    assert macros.import_functions(FakeApplication(None)) is None
