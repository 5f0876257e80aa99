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



# ----------------------------------------------------------------------------- core and the clock
CLOCK_READS = {
    "datetime.datetime.now",
    "datetime.datetime.utcnow",
    "datetime.datetime.today",
    "datetime.date.today",
    "time.time",
    "time.time_ns",
    "time.monotonic",
    "time.monotonic_ns",
    "time.perf_counter",
    "time.perf_counter_ns",
}


def _clock_reads_in(source: str) -> list[str]:
    """Every place *source* reads the clock, called or handed on (``default_factory=date.today``
    reads it later, when a record is made), as ``line: dotted.name``. Import aliases are
    followed: ``from datetime import datetime as dt`` then ``dt.now`` is ``datetime.datetime.now``.
    """
    tree = ast.parse(source)
    names: dict[str, str] = {}  # local name -> what it stands for
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                names[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Name | ast.Attribute) or not isinstance(node.ctx, ast.Load):
            continue
        parts: list[str] = []
        part: ast.expr = node
        while isinstance(part, ast.Attribute):
            parts.append(part.attr)
            part = part.value
        if not isinstance(part, ast.Name) or part.id not in names:
            continue
        dotted = ".".join([names[part.id], *reversed(parts)])
        if dotted in CLOCK_READS:
            found.append(f"{node.lineno}: {dotted}")
    return found


def test_core_never_reads_the_clock() -> None:
    """Core takes the time from its caller (issue 16): a rule that reads the clock cannot be
    tested at a chosen moment, and a record dated by the machine's clock is not dated by the
    clock the app was given (a test's, the check's transcript cues)."""
    readers = {
        path.relative_to(PACKAGE).as_posix(): reads
        for path in _modules(PACKAGE / "core")
        if (reads := _clock_reads_in(path.read_text(encoding="utf-8")))
    }
    assert readers == {}, "take `now`/`today` as a parameter instead (see docs/ARCHITECTURE.md)"


def test_the_clock_finder_sees_every_spelling() -> None:
    """The check above is only as good as the finder: each way of reading the clock is seen,
    and what merely looks like it is not."""
    spellings = [
        "from datetime import datetime\ndatetime.now()",
        "from datetime import datetime\nx = datetime.utcnow()",
        "import datetime\ndatetime.date.today()",
        "import datetime as dt\ndt.datetime.now().astimezone()",
        "from datetime import date as d\nclass C:\n    on: d = field(default_factory=d.today)",
        "from datetime import datetime\nmake = lambda: datetime.now().replace(microsecond=0)",
        "import time\ntime.monotonic()",
        "from time import time\nstamp = time()",
        "from time import perf_counter as clock\nclock()",
    ]
    for source in spellings:
        assert _clock_reads_in(source), source
    harmless = [
        "from datetime import datetime\ndatetime.fromisoformat('2026-01-01')",
        "from datetime import UTC\nat.astimezone(UTC)",
        "now = later.now\ntoday = x.today()",  # not the datetime module's
        "from datetime import date\ndate(2026, 1, 1)",
    ]
    for source in harmless:
        assert not _clock_reads_in(source), source
