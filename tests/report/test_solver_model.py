"""A sheet's Solver model is stored as Excel stores it: hidden sheet-scoped names."""
import zipfile

import openpyxl

from gdfit.render.xlsx import render_workbook, save_workbook
from gdfit.report.model import RangeRef, Report, SheetSpec, Table
from gdfit.report.solver_model import SolverModel


def test_solver_names_are_hidden_and_sheet_scoped(tmp_path):
    sheet = SheetSpec("Solver", tables=[Table("A1", ["name", "value"], [["slope", 1.0], ["intercept", 0.0],
                                                                         ["SSE", 5.0]])])
    sheet.solver = SolverModel(objective=RangeRef("Solver", "B4"), variables=RangeRef("Solver", "B2:B3"))
    other = SheetSpec("Other", tables=[Table("A1", ["x"], [[1.0]])])
    path = save_workbook(render_workbook(Report([other, sheet])), tmp_path / "solver.xlsx")
    ws = openpyxl.load_workbook(path)["Solver"]
    names = ws.defined_names
    assert names["solver_opt"].attr_text == "'Solver'!$B$4"
    assert names["solver_adj"].attr_text == "'Solver'!$B$2:$B$3"
    assert names["solver_typ"].attr_text == "2" and names["solver_neg"].attr_text == "1"
    assert names["solver_eng"].attr_text == "1" and names["solver_cvg"].attr_text == "0.0001"
    assert all(n.hidden for n in names.values())
    xml = zipfile.ZipFile(path).read("xl/workbook.xml").decode()
    assert '<definedName name="solver_opt" localSheetId="1" hidden="1">' in xml
