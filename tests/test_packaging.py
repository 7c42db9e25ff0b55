"""The shipped rule sets are found after `pip install .` (a wheel) and `pip install -e .`, from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

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


def _venv(where: Path) -> Path:
    # System site-packages give the dependencies (regex, ftfy, ...) without a download; the package
    # itself is installed in the venv, so the probe sees that copy, not the checkout.
    venv.create(where, system_site_packages=True, with_pip=True)
    return where / "bin" / "python"


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
    _run(python, "-m", "pip", "install", "--no-deps", "-q", wheel, cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    module, source, count, cleaned = _run(python, "-c", PROBE, cwd=elsewhere).splitlines()
    assert Path(module).is_relative_to(tmp_path / "venv")
    assert Path(source).is_relative_to(tmp_path / "venv") and Path(source).parent.name == "_rules"
    assert int(count) > 20
    assert cleaned == "Hà Nội mưa to."
    vnclean = tmp_path / "venv" / "bin" / "vnclean"
    assert "nav-bullet" in _run(vnclean, "rules", "list", cwd=elsewhere)


def test_editable_install_finds_rules_from_another_folder(tmp_path: Path) -> None:
    python = _venv(tmp_path / "venv")
    _run(python, "-m", "pip", "install", "--no-deps", "-q", "-e", REPO, cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    module, source, count, cleaned = _run(python, "-c", PROBE, cwd=elsewhere).splitlines()
    assert Path(module).resolve().is_relative_to(REPO)
    assert Path(source).resolve() == (REPO / "rules" / "vn-news.yaml").resolve()
    assert int(count) > 20
    assert cleaned == "Hà Nội mưa to."
