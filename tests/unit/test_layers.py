"""Architecture guards: the import layers of pyproject.toml hold (no cycle can come back), no
module hides an import of a higher stage inside a function, and the unit suite never loads the
model stack."""
from __future__ import annotations

import ast
import sys
import textwrap
from pathlib import Path

import pytest
import tomllib
from conftest import HEAVY_MODULES, ONLY_UNIT, ROOT, heavy_modules_loaded

ALIGN = ROOT / "align"
PYPROJECT = ROOT / "pyproject.toml"


def _lint(config: Path) -> bool:
    """Run import-linter's contracts of ``config`` in this process (no cache); True when kept."""
    import importlinter.api  # noqa: F401 - configures import-linter's adapters
    from importlinter.application import use_cases

    return use_cases.lint_imports(config_filename=str(config), cache_dir=None, no_logo=True, is_debug_mode=True)


def _modules() -> list[str]:
    """Every module of the align package, dotted ("align.writers.csv")."""
    return sorted(".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
                  for p in ALIGN.rglob("*.py"))


# -- import-linter ----------------------------------------------------------------------------------


def test_import_contracts_are_kept(capsys):
    kept = _lint(PYPROJECT)
    assert kept, capsys.readouterr().out


def test_the_layers_contract_names_every_module():
    """A new module must take its place in the layers, or the contract would not check it."""
    contracts = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["type"] == "layers" and c.get("containers") is None)["layers"]
    named = {m.strip() for layer in layers for m in layer.split("|")}
    missing = [m for m in _modules() if m != "align" and not any(m == n or m.startswith(n + ".") for n in named)]
    assert not missing, f"modules outside the layers of pyproject.toml: {missing}"


def test_the_linter_sees_a_broken_layer(tmp_path, capsys):
    """The check is not vacuous: with two layers swapped, the same tool reports the break."""
    config = tmp_path / "pyproject.toml"
    config.write_text(textwrap.dedent("""
        [tool.importlinter]
        root_packages = ["align"]
        exclude_type_checking_imports = true

        [[tool.importlinter.contracts]]
        name = "swapped"
        type = "layers"
        layers = ["align.text", "align.report"]
    """), encoding="utf-8")
    assert not _lint(config)
    assert "BROKEN" in capsys.readouterr().out


# -- imports inside functions -----------------------------------------------------------------------

#: Function-level imports of align modules that are there on purpose: (module, imported module
#: or package).
ALLOWED_LAZY = {
    ("align.cli", "align.pipeline"),  # the command line's work: --help and option errors stay instant
    ("align.cli", "align.writers"),  # (the same: output checks and notes after the run)
    ("align.report", "align.review"),  # ipywidgets: optional
    ("align.report", "align.plots"),  # matplotlib: optional
    ("align", "align.report"),  # the package's public names load on first use (PEP 562): load_report
    ("align.corpus", "align.corpus"),  # the same for align.corpus (its CLI module must import fast)
    ("align.corpus.cli", "align.corpus"),  # the corpus command's work, after parsing: --help stays instant
}


def _allowed(found: tuple[str, str]) -> bool:
    module, target = found
    return any(module == m and (target == t or target.startswith(t + ".")) for m, t in ALLOWED_LAZY)


def _lazy_align_imports(module: str) -> set[tuple[str, str]]:
    """(module, imported align module) for every import inside a function of ``module``."""
    parts = module.split(".")
    path = ROOT.joinpath(*parts).with_suffix(".py")
    if not path.exists():
        path = ROOT.joinpath(*parts, "__init__.py")
    package = parts if path.name == "__init__.py" else parts[:-1]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for fn in ast.walk(tree):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        for node in ast.walk(fn):
            if isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else []
                target = ".".join([*base, node.module] if node.module else base)
                names = [target] if node.module else [f"{target}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            found |= {(module, n) for n in names if n == "align" or n.startswith("align.")}
    return found


def test_the_lazy_import_scan_resolves_relative_imports():
    assert ("align.cli", "align.pipeline") in _lazy_align_imports("align.cli")
    assert _lazy_align_imports("align.report") == {("align.report", "align.review"), ("align.report", "align.plots")}
    assert not _allowed(("align.cli", "align.pipelines")) and not _allowed(("align.rows", "align.report"))


@pytest.mark.parametrize("module", _modules())
def test_no_function_level_import_of_another_align_module(module):
    """An import inside a function hides a dependency (and can hide a cycle) from a reader."""
    assert {x for x in _lazy_align_imports(module) if not _allowed(x)} == set()


# -- the public names ----------------------------------------------------------------------------



def _public_names() -> list:
    import align

    return sorted(align.__all__)


@pytest.mark.parametrize("name", _public_names())
def test_public_names_are_the_objects_they_name_after_any_import(name):
    """``from align import X`` is the documented object, whatever submodules were imported first."""
    import importlib

    import align

    for module in _modules():
        if module not in ("align", "align.cli", "align.review", "align.plots"):
            importlib.import_module(module)
    value = getattr(align, name)
    if name == "__version__":
        assert isinstance(value, str)
    elif name == "load_report":
        assert callable(value)
    else:
        assert not isinstance(value, type(align)), f"align.{name} is a module"
        assert value.__name__ == name


# -- the unit suite stays light -------------------------------------------------------------------


def test_unit_suite_never_imports_the_model_stack(request):
    """Meaningful when the unit suite runs alone (``make unit``): by now every unit module has
    been imported (collection comes before any test), so a module-level import of torch,
    sentence-transformers or transformers anywhere in tests/unit, or in what they import, is
    caught here; what a unit test imports while it runs is caught by tests/conftest.py."""
    if not request.config.stash.get(ONLY_UNIT, False):
        pytest.skip("integration tests in this session load the model; run `make unit` for this check")
    loaded = heavy_modules_loaded()
    assert not loaded, f"the unit suite imported {sorted(loaded)}: " + ", ".join(
        sorted(name for name in sys.modules if name.partition(".")[0] in HEAVY_MODULES)[:5])


def test_the_guard_sees_a_heavy_submodule(monkeypatch):
    """heavy_modules_loaded() (used by the per-test check in tests/conftest.py) names the
    package of any loaded submodule."""
    before = heavy_modules_loaded()
    monkeypatch.setitem(sys.modules, "transformers.models.fake", object())
    assert heavy_modules_loaded() == before | {"transformers"}
    monkeypatch.setitem(sys.modules, "torchvision", object())  # another package, not torch
    assert heavy_modules_loaded() == before | {"transformers"}
