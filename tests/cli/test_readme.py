"""The README's two set-up commands stay what CI and newcomers actually run."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _setup_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section, flags=re.S)


def test_exactly_two_setup_commands():
    demo, tests = _setup_commands()
    assert demo.endswith("gdfit demo") and "\n" not in demo
    assert tests.endswith("python -m pytest") and "\n" not in tests


def test_ci_runs_the_readme_test_command():
    _, tests = _setup_commands()
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert tests in ci_lines


def _printed_blocks():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### What the commands print", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```text\n(.+?)\n```", section, flags=re.S)


def test_the_printed_examples_are_what_the_commands_print(tmp_path, capsys, monkeypatch):
    import gdfit
    from gdfit.cli import main

    monkeypatch.delenv("COLUMNS", raising=False)
    path = tmp_path / "data.csv"
    gdfit.datasets.ad_spend().to_csv(path, index=False)
    compare, solve = _printed_blocks()
    assert main(["compare", str(path)]) == 0
    printed = capsys.readouterr().out.rstrip("\n").splitlines()
    # every line but the run times, which vary from run to run
    keep = [i for i, line in enumerate(compare.splitlines()) if not line.startswith("seconds")]
    assert [compare.splitlines()[i] for i in keep] == [printed[i] for i in keep]
    assert main(["solve", str(path)]) == 0
    assert solve in capsys.readouterr().out
