"""The shipped rule sets are found after `pip install .` (a wheel) and `pip install -e .`, from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pip
import pytest
from conftest import REPO

pytestmark = pytest.mark.slow

#: Run from a folder outside the checkout, with no PYTHONPATH, so only the installed package can answer.
PROBE = ("import cleaner, sys; from cleaner import load_rules; rs = load_rules('vn-news'); "
         "print(cleaner.__file__); print(rs.rules[0].source); print(len(rs)); "
         "print(rs.clean('icon facebook\\nHà Nội mưa to.\\n'), end='')")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


#: pip 22.3 and later install into another interpreter (``pip --python``): the venv needs no pip of its own.
_PIP_HAS_PYTHON_OPTION = tuple(int(x) for x in pip.__version__.split(".")[:2]) >= (22, 3)


def _site_dirs() -> list[str]:
    """The running environment's site-packages folders (a venv's, a conda env's or the system's)."""
    return [p for p in sys.path if Path(p).name in ("site-packages", "dist-packages") and Path(p).is_dir()]


def _venv(where: Path) -> Path:
    """A venv whose dependencies (regex, ftfy, ...) come from the running environment, without a download.

    Not ``system_site_packages``: inside a venv or a conda env that gives the *base* interpreter's
    packages, which lack the dependencies. The running environment's site-packages go on a ``.pth`` file
    instead, named to come after the venv's own entries, so the copy of vn-cleaner installed in the venv
    is the one imported (a path in a ``.pth`` file is added as it is: the ``.pth`` files inside it, such
    as an editable install of the checkout, are not run).
    """
    venv.create(where, with_pip=not _PIP_HAS_PYTHON_OPTION)
    python = where / ("Scripts" if os.name == "nt" else "bin") / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True, env=_env()).stdout.strip()
    (Path(purelib) / "zzz-running-env-site-packages.pth").write_text("\n".join(_site_dirs()) + "\n",
                                                                       encoding="utf-8")
    return python


def _pip_install(python: Path, *args: str | Path, cwd: Path) -> None:
    if _PIP_HAS_PYTHON_OPTION:
        pip_cmd: list[str | Path] = [sys.executable, "-m", "pip", "--python", python]
    else:
        pip_cmd = [python, "-m", "pip"]
    _run(*pip_cmd, "install", "--no-deps", "-q", *args, cwd=cwd)


def _run(*cmd: str | Path, cwd: Path) -> str:
    run = subprocess.run([str(c) for c in cmd], cwd=cwd, env=_env(), capture_output=True, text=True,
                         check=False)
    assert run.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{run.stdout}\n{run.stderr}"
    return run.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    _run(sys.executable, "-m", "pip", "wheel", REPO, "--no-deps", "-q", "-w", out, cwd=out)
    (whl,) = out.glob("vn_cleaner-*.whl")
    return whl


def test_wheel_carries_the_rules(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "cleaner/_rules/vn-news.yaml" in names
    assert "cleaner/py.typed" in names  # type hints reach the users' mypy


def test_wheel_install_finds_rules_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    python = _venv(tmp_path / "venv")
    _pip_install(python, wheel, cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    module, source, count, cleaned = _run(python, "-c", PROBE, cwd=elsewhere).splitlines()
    assert Path(module).is_relative_to(tmp_path / "venv")
    assert Path(source).is_relative_to(tmp_path / "venv") and Path(source).parent.name == "_rules"
    assert int(count) > 20
    assert cleaned == "Hà Nội mưa to."
    vnclean = python.parent / "vnclean"
    assert "nav-bullet" in _run(vnclean, "rules", "list", cwd=elsewhere)


def test_editable_install_finds_rules_from_another_folder(tmp_path: Path) -> None:
    python = _venv(tmp_path / "venv")
    _pip_install(python, "-e", REPO, cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    module, source, count, cleaned = _run(python, "-c", PROBE, cwd=elsewhere).splitlines()
    assert Path(module).resolve().is_relative_to(REPO)
    assert Path(source).resolve() == (REPO / "rules" / "vn-news.yaml").resolve()
    assert int(count) > 20
    assert cleaned == "Hà Nội mưa to."
