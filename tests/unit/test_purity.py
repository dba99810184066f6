"""The pure packages must not depend on Kafka, Faust or Prometheus (style rule 2)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PURE = [ROOT / "pipeline" / "steps", ROOT / "schemas"]
FORBIDDEN = {"faust", "aiokafka", "kafka", "prometheus_client", "mode"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


PURE_FILES = sorted(p for d in PURE for p in d.rglob("*.py"))


def test_there_are_pure_modules_to_check():
    assert len(PURE_FILES) >= 5


@pytest.mark.parametrize("path", PURE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_pure_module_imports_no_infrastructure(path):
    assert not imported_modules(path) & FORBIDDEN


def test_the_check_catches_a_forbidden_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from kafka import KafkaProducer\nimport prometheus_client.core\n")
    assert imported_modules(bad) & FORBIDDEN == {"kafka", "prometheus_client"}


def test_schemas_do_not_depend_on_pipeline():
    for path in (ROOT / "schemas").rglob("*.py"):
        assert "pipeline" not in imported_modules(path), path
