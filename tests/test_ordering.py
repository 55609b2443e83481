"""experiments/harness/ordering.py: modules taken longest first, by the longest each has taken."""

from __future__ import annotations

import json

import pytest

from experiments.harness.ordering import SECONDS_FILE, longest_first, read_seconds


def test_untimed_modules_come_first_then_the_longest():
    modules = ["a.py", "b.py", "c.py", "new.py", "a.py", "newer.py"]
    assert longest_first(modules, {"a.py": 3.0, "b.py": 40.0, "c.py": 3.0}) == ["new.py", "newer.py", "b.py", "a.py",
                                                                                  "c.py"]
    assert longest_first(modules, {}) == ["a.py", "b.py", "c.py", "new.py", "newer.py"]  # as collected


@pytest.mark.parametrize("content", ["", "{not json", "[1, 2]", '{"a.py": "long"}'])
def test_an_unreadable_file_leaves_the_collection_order(tmp_path, content):
    (tmp_path / SECONDS_FILE).write_text(content)
    assert read_seconds(tmp_path / SECONDS_FILE) == {}
    assert read_seconds(tmp_path / "missing.json") == {}


def collected(result: pytest.RunResult) -> list[str]:
    return list(dict.fromkeys(line.split("::")[0] for line in result.outlines if "::" in line))


def test_a_run_times_its_modules_and_the_next_takes_the_longest_first(pytester: pytest.Pytester):
    pytester.makeconftest('pytest_plugins = ["experiments.harness.plugin", "experiments.harness.ordering"]')
    for name, seconds in (("test_a", 0.0), ("test_b", 0.3), ("test_c", 0.6)):
        pytester.makepyfile(**{name: f"import time\ndef test_one():\n    time.sleep({seconds})\n"
                                     "def test_two():\n    pass\n"})
    options = ["-p", "no:cacheprovider", "--cache-dir", "cache"]
    assert collected(pytester.runpytest(*options, "--collect-only", "-q")) == ["test_a.py", "test_b.py", "test_c.py"]
    assert pytester.runpytest(*options).ret == 0
    seconds = json.loads((pytester.path / "cache" / SECONDS_FILE).read_text())
    assert seconds["test_c.py"] > seconds["test_b.py"] > seconds["test_a.py"]

    pytester.makepyfile(test_0="def test_new():\n    pass\n")
    assert collected(pytester.runpytest(*options, "--collect-only", "-q")) == ["test_0.py", "test_c.py", "test_b.py",
                                                                             "test_a.py"]
    (pytester.path / "test_c.py").write_text("def test_one():\n    pass\n")  # quick now, as when warm
    (pytester.path / "test_a.py").write_text("import time\ndef test_one():\n    time.sleep(0.9)\n")  # slower now
    pytester.runpytest(*options, "test_a.py", "test_c.py")
    after = json.loads((pytester.path / "cache" / SECONDS_FILE).read_text())
    assert after["test_a.py"] > seconds["test_c.py"] and after["test_c.py"] == seconds["test_c.py"]  # the longest kept
    assert after["test_b.py"] == seconds["test_b.py"] and "test_0.py" not in after  # only collected, never run
