import subprocess
import sys

FRAMEWORKS = ("flask", "sqlmodel", "sqlalchemy", "pandas", "weasyprint", "yaml", "click")


def test_the_core_imports_no_framework():
    code = (
        "import sys, pkgutil, importlib, bidtool.core as core\n"
        "for m in pkgutil.walk_packages(core.__path__, 'bidtool.core.'):\n"
        "    importlib.import_module(m.name)\n"
        f"print(','.join(sorted(n for n in {FRAMEWORKS!r} if n in sys.modules)))\n"
        "print(len([n for n in sys.modules if n.startswith('bidtool.core.')]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded, modules = result.stdout.split("\n")[:2]
    assert loaded == ""
    assert int(modules) >= 10


NUMERICAL = ("numpy", "scipy", "networkx")


def test_only_the_decisions_load_numpy_scipy_or_networkx():
    code = (
        "import sys, pkgutil, importlib, bidtool.core as core\n"
        "for m in pkgutil.walk_packages(core.__path__, 'bidtool.core.'):\n"
        "    if not m.name.startswith('bidtool.core.decisions'):\n"
        "        importlib.import_module(m.name)\n"
        f"print(','.join(sorted(n for n in {NUMERICAL!r} if n in sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
