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
