"""Third-party workbooks, run by hand: gdfit's sheets written into each workbook of a folder, twice.

Not collected by the suite (the files are fetched, never committed); run it as
``GDFIT_CORPUS=folder python -m pytest tests/files/corpus_check.py``.

Set ``GDFIT_CORPUS`` to a folder of .xlsx/.xlsm files fetched from public spreadsheet libraries'
test suites (never committed here), for instance XlsxWriter's ``xlsxwriter/test/comparison/
xlsx_files`` (about a thousand files saved by Excel: charts, pivot-less tables, images, comments,
VBA, defined names, themes...). Each is given the ad-spend report's sheets (data or not, so every
file is written to) and then given them again in place; every original part must stay
byte-identical, the index parts may only gain, and openpyxl must read the result when it reads
the input (some public test files are deliberately malformed). With
``GDFIT_CORPUS_VALIDATE=1`` the Open XML validator must also report no error the input lacked.
"""
import copy
import os
from pathlib import Path

import openpyxl
import pytest

from gdfit.files.package import NotExtendable, add_report, open_user_book
from gdfit.sheets.training.dataset import ad_spend_report
from tests.files.package_checks import VALIDATOR, assert_user_parts_kept, validator_errors

FOLDER = Path(os.environ["GDFIT_CORPUS"]) if os.environ.get("GDFIT_CORPUS") else None
FILES = sorted(p for p in FOLDER.iterdir() if p.suffix.lower() in (".xlsx", ".xlsm")) if FOLDER else []

if not FILES:
    raise RuntimeError("set GDFIT_CORPUS to a folder of .xlsx/.xlsm workbooks")


@pytest.fixture(scope="module")
def report():
    return ad_spend_report(reproducible=True)[0]


@pytest.fixture(scope="module")
def written(tmp_path_factory, report):
    out = tmp_path_factory.mktemp("corpus")
    done = {}
    for path in FILES:
        try:
            book = open_user_book(path, path.name)
        except NotExtendable:
            continue
        target = out / path.name
        add_report(book, copy.deepcopy(report), target)
        add_report(open_user_book(target, target.name), copy.deepcopy(report), target)
        done[path] = target
    return done


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_part_stays_and_openpyxl_reads_it(written, path):
    if path not in written:
        pytest.skip("a format gdfit does not extend (train writes a new .xlsx for it)")
    assert_user_parts_kept(path, written[path])
    try:
        openpyxl.load_workbook(path)
    except Exception:  # noqa: BLE001 - some public test files are beyond openpyxl; then so is the output
        return
    openpyxl.load_workbook(written[path], keep_vba=path.suffix.lower() == ".xlsm")


@pytest.mark.skipif(not os.environ.get("GDFIT_CORPUS_VALIDATE") or not VALIDATOR.exists(),
                    reason="GDFIT_CORPUS_VALIDATE is not set, or the validator is not installed")
def test_no_validator_error_the_input_did_not_have(written):
    before = validator_errors(*written)
    after = validator_errors(*written.values())
    worse = [p.name for p in written if after[p.name] > before[p.name]]
    assert worse == []
