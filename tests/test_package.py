"""sheetsync installed as people install Python tools: a wheel in a fresh virtual environment,
outside the checkout, finds its templates and catalogues and runs the main commands."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import read_eml

ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv holding only the wheel built from this checkout (and its dependencies)."""
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", work, ROOT],
        check=True,
        capture_output=True,
    )
    wheel = next(work.glob("sheetsync-*.whl"))
    env_dir = work / "venv"
    venv.create(env_dir, with_pip=True)
    pip = subprocess.run(
        [env_dir / "bin" / "python", "-m", "pip", "install", "--quiet", wheel], capture_output=True, text=True
    )
    if pip.returncode != 0:
        pytest.skip(f"could not install the wheel's dependencies: {pip.stderr[-500:]}")
    return wheel, env_dir


def sheetsync(env_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SHEETSYNC_", "PYTHON"))}
    return subprocess.run(
        [env_dir / "bin" / "sheetsync", *args], cwd=cwd, env=environment, capture_output=True, text=True, timeout=120
    )


def test_the_wheel_carries_the_templates_and_catalogues(installed):
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "sheetsync/templates/email/fr/settlement.txt" in names
    assert "sheetsync/templates/apps_script/Code.gs" in names
    assert "sheetsync/i18n/locale/fr/LC_MESSAGES/sheetsync.mo" in names


def test_init_sync_notify_and_apps_script_from_the_installed_wheel(installed, tmp_path):
    _, env_dir = installed
    assert ROOT not in tmp_path.parents
    book = "notre-voiture.xlsx"
    created = sheetsync(env_dir, tmp_path, "init", book, "--lang", "fr", "--example")
    assert created.returncode == 0, created.stderr
    synced = sheetsync(env_dir, tmp_path, "sync", book, "--as-of", "2025-12-31")
    assert synced.returncode == 0, synced.stderr
    assert synced.stdout.startswith("Rue des Lilas : 3 membres")
    outbox = sheetsync(
        env_dir, tmp_path, "notify", book, "--kind", "settlement", "--outbox", "avis", "--as-of", "2025-12-31"
    )
    assert outbox.returncode == 0, outbox.stderr
    written = sorted((tmp_path / "avis").glob("*.eml"))
    assert len(written) == 3
    notice = read_eml(written[0])
    assert notice["Subject"].startswith("Rue des Lilas : votre relevé d'autopartage")
    script = sheetsync(env_dir, tmp_path, "apps-script", book, "--url", "https://example.org", "--group", "lilas")
    assert script.returncode == 0, script.stderr
    assert "Recalculer les soldes" in script.stdout
    module = subprocess.run(
        [env_dir / "bin" / "python", "-m", "sheetsync", "--version"], cwd=tmp_path, capture_output=True, text=True
    )
    assert module.returncode == 0 and "sheetsync" in module.stdout
