"""Where the workspace keeps its state: the one module that knows the layout of ``.wrknv/``.

Every state file has one reader beside its one writer, in the module named here; this module
only says where each file lives (docs/state-files.md says what each one holds)::

    .wrknv/
      runs/<id>/summary.json, junit.xml, <suite>.log   runs.summary, runs.junit
      runs/latest -> <id>                              runs.summary (point_latest)
      durations.json                                   runs.history
      cache/<key>.json, cache/last/<suite>.txt         runs.cache
      setup/pins.txt, setup/<version>/pins.txt         env.setup
      setup.lock, locks/<version>.lock                 env.venv, env.inuse
      checkouts.lock                                   env.inuse (bootstrap, update)
      venvs/<version>/                                 env.python_envs
    <venv>/.wrknv-fingerprint.json                     env.venv
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

STATE_DIR = ".wrknv"
SUMMARY = "summary.json"  # in each run directory
JUNIT = "junit.xml"  # in each run directory, and in each suite's work directory
FINGERPRINT = ".wrknv-fingerprint.json"  # in each environment setup built


@dataclass(frozen=True)
class StateDir:
    """The paths below one workspace's ``.wrknv/`` folder."""

    root: Path

    @property
    def runs(self) -> Path:
        return self.root / "runs"

    @property
    def latest(self) -> Path:
        """The link to the newest run directory."""
        return self.runs / "latest"

    @property
    def durations(self) -> Path:
        return self.root / "durations.json"

    @property
    def cache(self) -> Path:
        return self.root / "cache"

    @property
    def last_passes(self) -> Path:
        """One small file per suite and Python naming the key of its newest kept pass."""
        return self.cache / "last"

    @property
    def setup_inputs(self) -> Path:
        """The files setup hands to uv for the shared venv."""
        return self.root / "setup"

    def pins(self, version: str | None = None) -> Path:
        """What setup resolved: for the shared venv (``None``), or another Python's."""
        inputs = self.setup_inputs if version is None else self.setup_inputs / version
        return inputs / "pins.txt"

    @property
    def setup_lock(self) -> Path:
        return self.root / "setup.lock"

    @property
    def checkouts_lock(self) -> Path:
        """Held by bootstrap and update while they change the checkouts: one at a time."""
        return self.root / "checkouts.lock"

    def env_lock(self, version: str) -> Path:
        """Held while another Python's environment is built or used."""
        return self.root / "locks" / f"{version}.lock"

    def venv(self, version: str) -> Path:
        """The environment of a Python other than the shared venv's."""
        return self.root / "venvs" / version


def fingerprint_file(venv: Path) -> Path:
    return venv / FINGERPRINT
