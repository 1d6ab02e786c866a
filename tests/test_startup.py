"""What ``import gdfit`` and the quick ``gdfit`` commands load: checked in fresh processes by module
presence, not by time (benchmarks/startup.py times them). Also that the t and F tails gdfit takes
from scipy.special, to keep scipy.stats out of every command, are scipy.stats' own values.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.stats

import gdfit
from gdfit.core.data import as_dataset
from gdfit.core.leastsq.statistics import stats_at

ADDIN = Path(gdfit.__file__).resolve().parents[1]
# Never needed by import gdfit or by --version, --help and usage errors.
HEAVY = ("numpy", "pandas", "scipy", "openpyxl", "xlwings", "statsmodels", "matplotlib", "PIL")
# Never needed by gdfit demo, which does need numpy, pandas, scipy.optimize and openpyxl.
NOT_FOR_DEMO = ("scipy.stats", "xlwings", "statsmodels", "matplotlib", "sklearn")

LOADED = "import sys, json; print(json.dumps(sorted(sys.modules)))"


def _python(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd,
                          env={"PYTHONPATH": str(ADDIN), "PATH": "", "XLWINGS_LICENSE_KEY": "noncommercial"})


def _loaded_after(code: str, cwd: Path | None = None) -> set[str]:
    """Modules in ``sys.modules`` after ``code`` ran (a SystemExit from argparse included)."""
    done = _python("-c", f"try:\n    {code}\nexcept SystemExit:\n    pass\n{LOADED}", cwd=cwd)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


def _tops(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """The names that are loaded, themselves or any submodule of them."""
    return [n for n in names if any(m == n or m.startswith(n + ".") for m in modules)]


def test_the_probe_sees_a_heavy_import():
    # the checks below pass when nothing is found; this shows the probe does find one
    assert {"numpy", "scipy"} <= set(_tops(_loaded_after("import scipy.stats"), HEAVY))


def test_import_gdfit_loads_no_library():
    assert _tops(_loaded_after("import gdfit"), HEAVY) == []


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["demo", "--no-such-option"], ["fit"]])
def test_quick_commands_load_no_library(argv):
    assert _tops(_loaded_after(f"from gdfit.cli import main; main({argv!r})"), HEAVY) == []


def test_python_m_gdfit_version_imports_no_library():
    # -X importtime lists every module the real entry point imports, one per line on stderr
    done = _python("-X", "importtime", "-m", "gdfit", "--version")
    assert done.returncode == 0 and done.stdout.strip() == f"gdfit {gdfit.__version__}"
    imported = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "gdfit.cli" in imported and _tops(imported, HEAVY) == []


def test_compare_loads_no_scipy_stats():
    assert _tops(_loaded_after("import gdfit.core.compare"), NOT_FOR_DEMO) == []


def test_demo_loads_only_what_it_needs(tmp_path):
    loaded = _loaded_after("from gdfit.cli import main; main(['demo', '--out', 'demo.xlsx'])", cwd=tmp_path)
    assert (tmp_path / "demo.xlsx").is_file()
    assert _tops(loaded, NOT_FOR_DEMO) == []
    assert _tops(loaded, ("numpy", "pandas", "scipy.optimize", "openpyxl")) == [
        "numpy", "pandas", "scipy.optimize", "openpyxl"]


def _stats(coef, intercept, n=12, seed=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = X @ [1.5, -0.5] + 2.0 + rng.normal(scale=0.3, size=n)
    return stats_at(as_dataset(X, y), coef, intercept)


@pytest.mark.parametrize("coef, intercept", [
    (None, None),                # the least-squares solution: large F, tiny p-values
    ([1.4, -0.4], 1.9),          # near it
    ([-5.0, 5.0], -10.0),        # worse than the mean: ss_reg and F below 0
])
def test_t_and_f_tails_are_scipy_stats_values(coef, intercept):
    st = _stats(coef, intercept)
    # scipy.stats calls these same scipy.special functions, so the values agree to the last bit
    # but for its argument handling; 1e-15 relative leaves room for nothing else.
    want_f = scipy.stats.f.sf(st.fvalue, st.df_model, st.df_resid)
    assert st.f_pvalue == pytest.approx(want_f, rel=1e-15, abs=0)
    want_p = 2.0 * scipy.stats.t.sf(np.abs(st.tvalues), st.df_resid)
    np.testing.assert_allclose(st.pvalues, want_p, rtol=1e-15, atol=0)
    for confidence in (0.9, 0.95, 0.999):
        q = scipy.stats.t.ppf(0.5 + confidence / 2.0, st.df_resid)
        want = np.column_stack([st.params - q * st.bse_params, st.params + q * st.bse_params])
        np.testing.assert_allclose(st.conf_int(confidence), want, rtol=1e-15, atol=0)


def test_significance_f_below_zero_is_one_as_in_scipy_stats():
    st = _stats([-5.0, 5.0], -10.0)
    assert st.fvalue < 0 and st.f_pvalue == 1.0 == scipy.stats.f.sf(st.fvalue, st.df_model, st.df_resid)
