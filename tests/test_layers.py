"""The package's shape, checked: every module belongs to a layer, and no screen imports the app.

docs/ARCHITECTURE.md describes the layers (core, live, store, screens, widgets, cli) and keeps
``roomguard/app.py`` as wiring only. A module dropped at the package root belongs to no layer,
so nothing says what it may import; a screen that imports ``roomguard.app`` closes an import
loop (the app imports every screen) and reaches past :class:`~roomguard.screens.host.Host`, the
one typed way a screen sees the app. Both are easy to do by accident and cheap to catch here.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "roomguard"
LAYERS = {"core", "live", "store", "screens", "widgets", "cli"}
WIRING = {"__init__.py", "__main__.py", "app.py"}  # may sit at the root: they wire the layers


def _modules(under: Path) -> list[Path]:
    return sorted(p for p in under.rglob("*.py") if "__pycache__" not in p.parts)


def _package_of(path: Path) -> str:
    """Where *path*'s relative imports start: ``roomguard.screens`` for ``screens/home.py`` and
    for ``screens/__init__.py`` alike."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1])


def _imports_in(source: str, package: str) -> set[str]:
    """Every module *source* imports, anywhere in it (``TYPE_CHECKING`` blocks and functions
    too), relative imports resolved against *package*, ``from a import b`` counted as ``a`` and
    as ``a.b`` (``b`` may be a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([module] if module else []))
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def test_every_module_belongs_to_a_layer() -> None:
    homeless = [
        path.relative_to(PACKAGE).as_posix()
        for path in _modules(PACKAGE)
        if path.parent == PACKAGE and path.name not in WIRING
        or path.parent != PACKAGE and path.relative_to(PACKAGE).parts[0] not in LAYERS
    ]
    assert homeless == [], (
        f"modules outside the layers {sorted(LAYERS)}: move each into the layer whose imports it "
        "needs (see docs/ARCHITECTURE.md)"
    )


def test_no_screen_imports_the_app() -> None:
    offenders = [
        path.relative_to(PACKAGE).as_posix()
        for path in _modules(PACKAGE / "screens")
        if any(m == "roomguard.app" or m.startswith("roomguard.app.")
               for m in _imports_in(path.read_text(encoding="utf-8"), _package_of(path)))
    ]
    assert offenders == [], "use UsesHost / self.host (roomguard/screens/host.py) instead"


def test_the_import_finder_sees_every_spelling_of_the_app() -> None:
    """The check above is only as good as the parser: each way of writing the import is seen."""
    spellings = [
        "import roomguard.app",
        "from roomguard.app import RoomguardApp",
        "from roomguard import app",
        "from .. import app",
        "from ..app import RoomguardApp",
        "if TYPE_CHECKING:\n    from roomguard.app import RoomguardApp",
        "def later():\n    from roomguard.app import RoomguardApp",
    ]
    for source in spellings:
        assert "roomguard.app" in _imports_in(source, "roomguard.screens"), source

