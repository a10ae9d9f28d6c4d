"""Packaging hook: the top-level templates/ folder (where people edit the email and Apps Script
templates) is copied into the wheel as sheetsync/templates, so an installed sheetsync finds them."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithTemplates(build_py):
    def run(self):
        super().run()
        if not self.editable_mode:
            source = Path(__file__).parent / "templates"
            target = Path(self.build_lib) / "sheetsync" / "templates"
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target)


setup(cmdclass={"build_py": BuildWithTemplates})
