"""Architecture guards of embeddings/: its layer contract in pyproject.toml holds with imports made
only for type hints counted, names every module and is not vacuous; no module imports another
embeddings module inside a function (which could hide a cycle) or reads another module's private
names."""
from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest
import tomllib
from conftest import ROOT

EMBEDDINGS = ROOT / "embeddings"
PYPROJECT = ROOT / "pyproject.toml"
LAYERS_CONTRACT = "embeddings: front end, one-time build, run time, integrity"


def _lint(config: Path) -> bool:
    """Run import-linter's contracts of ``config`` in this process (no cache); True when kept."""
    import importlinter.api  # noqa: F401 - configures import-linter's adapters
    from importlinter.application import use_cases

    return use_cases.lint_imports(config_filename=str(config), cache_dir=None, no_logo=True, is_debug_mode=True)


def _contracts() -> list[dict]:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]


def _layers_contract() -> dict:
    return next(c for c in _contracts() if c["name"] == LAYERS_CONTRACT)


def _toml_value(value) -> str:
    """A TOML value for strings, booleans and lists of strings (JSON spells them the same way)."""
    return json.dumps(value, ensure_ascii=True)


def _config(path: Path, contracts: list[dict], *, exclude_type_checking_imports: bool) -> Path:
    """Write an import-linter config holding only ``contracts``."""
    lines = [
        "[tool.importlinter]",
        'root_packages = ["align", "embeddings"]',
        f"exclude_type_checking_imports = {_toml_value(exclude_type_checking_imports)}",
    ]
    for contract in contracts:
        lines += ["", "[[tool.importlinter.contracts]]", *(f"{k} = {_toml_value(v)}" for k, v in contract.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _modules() -> list[str]:
    """The modules of the embeddings package, by name ("convert"; the package itself left out)."""
    return sorted(p.stem for p in EMBEDDINGS.glob("*.py") if p.stem != "__init__")


# -- import-linter ----------------------------------------------------------------------------------


def test_the_embeddings_contracts_hold_with_type_checking_imports_counted(tmp_path, capsys):
    """The contracts of pyproject.toml that name embeddings, with no import excused as a hint."""
    contracts = [c for c in _contracts() if c["name"].startswith("embeddings")]
    assert [c["name"] for c in contracts] == [LAYERS_CONTRACT, "embeddings never import align"]
    config = _config(tmp_path / "pyproject.toml", contracts, exclude_type_checking_imports=False)
    assert _lint(config), capsys.readouterr().out


def test_the_embeddings_layers_name_every_module():
    """A new module must take its place in the layers, or the contract would not check it."""
    contract = _layers_contract()
    assert contract["containers"] == ["embeddings"]
    named = [m.strip() for layer in contract["layers"] for m in layer.split("|")]
    assert sorted(named) == _modules()


def test_the_linter_sees_a_broken_embeddings_layer(tmp_path, capsys):
    """Not vacuous: the same contract with the build put above the front end is reported
    (encoders imports convert)."""
    contract = dict(_layers_contract())
    layers = list(contract["layers"])
    assert layers[:2] == ["encoders", "convert"]
    contract["layers"] = [layers[1], layers[0], *layers[2:]]
    config = _config(tmp_path / "pyproject.toml", [contract], exclude_type_checking_imports=False)
    assert not _lint(config)
    out = capsys.readouterr().out
    assert "BROKEN" in out and "embeddings.encoders -> embeddings.convert" in out


def test_the_linter_counts_an_import_under_type_checking(tmp_path, capsys):
    """A hint-only import of a higher layer breaks the contract as checked above (and only
    there): the flag really is off in that check."""
    pkg = tmp_path / "src" / "embeddings_probe"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "low.py").write_text(
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from embeddings_probe import high  # noqa: F401\n"
    )
    (pkg / "high.py").write_text("from embeddings_probe import low  # noqa: F401\n")
    contract = {"name": "probe", "type": "layers", "containers": ["embeddings_probe"], "layers": ["high", "low"]}
    sys.path.insert(0, str(tmp_path / "src"))
    try:
        for exclude, kept in ((True, True), (False, False)):
            config = tmp_path / f"probe-{exclude}.toml"
            config.write_text(
                "[tool.importlinter]\n"
                'root_packages = ["embeddings_probe"]\n'
                f"exclude_type_checking_imports = {_toml_value(exclude)}\n\n"
                "[[tool.importlinter.contracts]]\n" + "".join(f"{k} = {_toml_value(v)}\n" for k, v in contract.items()),
                encoding="utf-8",
            )
            assert _lint(config) is kept, capsys.readouterr().out
    finally:
        sys.path.remove(str(tmp_path / "src"))
        sys.modules.pop("embeddings_probe", None)


# -- imports inside functions and private names ----------------------------------------------------


def _tree(module: str, package: Path = EMBEDDINGS) -> ast.Module:
    return ast.parse((package / f"{module}.py").read_text(encoding="utf-8"))


def _lazy_embeddings_imports(module: str, package: Path = EMBEDDINGS) -> set[str]:
    """Embeddings modules imported inside a function of ``module`` (relative or absolute)."""
    found = set()
    for fn in ast.walk(_tree(module, package)):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        for node in ast.walk(fn):
            if isinstance(node, ast.ImportFrom):
                if node.level == 1:
                    found |= {f"embeddings.{node.module}"} if node.module else {f"embeddings.{a.name}" for a in node.names}
                elif node.level == 0 and node.module and node.module.partition(".")[0] == "embeddings":
                    found.add(node.module)
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.partition(".")[0] == "embeddings"}
    return found


def test_the_scans_see_what_they_look_for(tmp_path):
    (tmp_path / "probe.py").write_text(
        "from .e5bin import _Tensor\n\n"
        "def f(e5):\n    from . import convert\n    from .e5tok import E5Tokenizer\n    import numpy\n"
        "    return e5._tensors, self._ok\n"
    )
    assert _lazy_embeddings_imports("probe", tmp_path) == {"embeddings.convert", "embeddings.e5tok"}
    assert _private_names_read("probe", tmp_path) == {"e5bin._Tensor", "e5._tensors"}


@pytest.mark.parametrize("module", ["__init__", *_modules()])
def test_no_function_level_import_of_another_embeddings_module(module):
    """Third-party libraries may load inside a function (onnx, tokenizers, filelock: a fast
    ``import``); a module of the package may not: that is how the build -> run time -> build
    cycle hid."""
    assert _lazy_embeddings_imports(module) == set()


def _private_names_read(module: str, package: Path = EMBEDDINGS) -> set[str]:
    """``x._name`` read in ``module`` where ``x`` is neither ``self`` nor ``cls``, and private
    names imported from another module."""
    found = set()
    for node in ast.walk(_tree(module, package)):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            if not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                found.add(f"{ast.unparse(node.value)}.{node.attr}")
        elif isinstance(node, ast.ImportFrom):
            found |= {f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_") and not a.name.startswith("__")}
    return found


@pytest.mark.parametrize("module", ["__init__", *_modules()])
def test_no_module_reads_a_private_name_of_another(module):
    assert _private_names_read(module) == set()
