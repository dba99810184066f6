"""schemas/asyncapi.json passes the official AsyncAPI parser (@asyncapi/parser, npm, pinned by
tools/asyncapi/package-lock.json), payload schemas in schemas/json/ included; and the check
fails on documents with known faults, so a pass means something."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "asyncapi"
VALIDATE = TOOL / "validate.mjs"
ENSURE = ROOT / "scripts" / "ensure-asyncapi.sh"
SCHEMAS = ROOT / "schemas"
DOCUMENT = SCHEMAS / "asyncapi.json"


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing in CI: `make tools` (scripts/ensure-asyncapi.sh)")
    pytest.skip(f"{what} not installed (scripts/ensure-asyncapi.sh installs the parser)")


@pytest.fixture(scope="module")
def validate() -> Callable[[Path], subprocess.CompletedProcess[str]]:
    node = shutil.which("node")
    if node is None:
        _missing("node")
    if not (TOOL / "node_modules" / "@asyncapi" / "parser").is_dir():
        if shutil.which("npm") is None:
            _missing("npm")
        done = subprocess.run([str(ENSURE)], cwd=ROOT, capture_output=True, text=True,
                              timeout=300, check=False)
        assert done.returncode == 0, f"{ENSURE.name} failed:\n{done.stdout}{done.stderr}"

    def run(document: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([node, str(VALIDATE), str(document)], cwd=ROOT,
                              capture_output=True, text=True, timeout=120, check=False)

    return run


def test_asyncapi_document_passes_the_official_parser(validate):
    done = validate(DOCUMENT)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"@asyncapi/parser rejects {DOCUMENT.name}:\n{output}"
    assert "valid: " in done.stdout, output


def _drop_version(doc: dict[str, Any], schemas: Path) -> None:
    del doc["asyncapi"]


def _missing_message(doc: dict[str, Any], schemas: Path) -> None:
    doc["channels"]["articles.dlq"]["messages"]["DeadLetter"]["$ref"] = \
        "#/components/messages/NoSuchMessage"


def _missing_payload_file(doc: dict[str, Any], schemas: Path) -> None:
    doc["components"]["messages"]["Article"]["payload"]["$ref"] = "json/NoSuch.schema.json"


def _bad_address(doc: dict[str, Any], schemas: Path) -> None:
    doc["channels"]["articles.raw"]["address"] = 42


def _bad_payload_schema(doc: dict[str, Any], schemas: Path) -> None:
    path = schemas / "Article.schema.json"
    schema = json.loads(path.read_text())
    schema["type"] = "objekt"
    path.write_text(json.dumps(schema))


# name: (how to spoil the document or a payload schema, what the parser's errors must name)
FAULTS: dict[str, tuple[Callable[[dict[str, Any], Path], None], list[str]]] = {
    "no-asyncapi-version": (_drop_version, ["asyncapi-is-asyncapi"]),
    "message-ref-to-nothing": (_missing_message, ["invalid-ref", "NoSuchMessage"]),
    "payload-ref-to-missing-file": (_missing_payload_file, ["invalid-ref", "NoSuch.schema.json"]),
    "channel-address-not-a-string": (_bad_address, ["/channels/articles.raw/address"]),
    "payload-schema-invalid": (_bad_payload_schema, ["Article.schema.json", '"type" property']),
}


def _copy_document(tmp_path: Path) -> tuple[dict[str, Any], Path]:
    """A copy of the document beside a copy of schemas/json/, so relative $refs resolve."""
    shutil.copytree(SCHEMAS / "json", tmp_path / "json")
    return copy.deepcopy(json.loads(DOCUMENT.read_text())), tmp_path / "json"


def test_an_unchanged_copy_is_valid(validate, tmp_path: Path):
    doc, _ = _copy_document(tmp_path)
    (tmp_path / "asyncapi.json").write_text(json.dumps(doc))
    done = validate(tmp_path / "asyncapi.json")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_the_parser_rejects_and_names_a_fault(validate, tmp_path: Path, fault: str):
    spoil, expected = FAULTS[fault]
    doc, schemas = _copy_document(tmp_path)
    spoil(doc, schemas)
    (tmp_path / "asyncapi.json").write_text(json.dumps(doc))
    done = validate(tmp_path / "asyncapi.json")
    output = done.stdout + done.stderr
    # 1: error diagnostics; 2 would be a crash or usage error, which proves nothing.
    assert done.returncode == 1, output
    errors = [line for line in done.stdout.splitlines() if line.startswith("error\t")]
    assert errors, output
    for text in expected:
        assert any(text in line for line in errors), f"{text!r} not in errors:\n{output}"


def test_the_lock_pins_the_parser_with_integrity_hashes():
    wanted = json.loads((TOOL / "package.json").read_text())["dependencies"]["@asyncapi/parser"]
    packages = json.loads((TOOL / "package-lock.json").read_text())["packages"]
    assert packages["node_modules/@asyncapi/parser"]["version"] == wanted
    unhashed = [name for name, entry in packages.items()
                if name and not entry.get("link") and not entry.get("integrity")]
    assert not unhashed, f"lock entries without an integrity hash: {unhashed}"
