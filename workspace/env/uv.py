"""uv: found the way nox finds it, run with an argument list, never downloading a Python
unless the user allowed it (``UV_PYTHON_DOWNLOADS=automatic``) for a call that asks."""

from __future__ import annotations

import os
import shutil
import subprocess

from workspace.children import run_child
from workspace.errors import EnvError, ExitCode


class ResolutionError(EnvError):
    """uv could not resolve (or install) the environment; ``output`` is uv's explanation."""

    exit_code = ExitCode.FAILED

    def __init__(
        self, message: str, output: str, hint: str | None = None, *, touched: bool = False
    ) -> None:
        super().__init__(message, hint)
        self.output = output
        self.touched = touched  # whether the venv was already being changed


def find_uv() -> str:
    """The uv executable: the ``uv`` package's (``nox[uv]``) beside this Python, else on PATH.

    nox looks in the same order, so the sessions and the workspace use one uv. It also passes
    over wrappers that come first on PATH, such as pyenv's shims, which cost every uv call
    about 60 ms.
    """
    try:
        import uv  # type: ignore[import-not-found,unused-ignore]

        return str(uv.find_uv_bin())
    except (ImportError, FileNotFoundError):
        pass
    found = shutil.which("uv")
    if found:
        return found
    raise EnvError(
        "uv is not installed (not on PATH, and no 'uv' Python package)",
        hint="install it: pip install 'nox[uv]' (or see https://docs.astral.sh/uv/)",
    )


DOWNLOADS_ENV = "UV_PYTHON_DOWNLOADS"


def uv_env(*, downloads: bool = False) -> dict[str, str]:
    """The environment for uv: never use an outer venv by accident, and never download a
    Python, except where the call allows ``downloads`` and the user set
    ``UV_PYTHON_DOWNLOADS=automatic`` (then the user's setting stands)."""
    env = dict(os.environ)
    if not (downloads and env.get(DOWNLOADS_ENV) == "automatic"):
        env[DOWNLOADS_ENV] = "never"
    env.pop("VIRTUAL_ENV", None)
    env.pop("CONDA_PREFIX", None)
    return env


def run_uv(
    uv: str, *args: str, check: bool = True, downloads: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run uv with an argument list; raise ResolutionError with uv's output on failure.
    ``downloads``: this call may fetch a Python, if the user allows it (see uv_env)."""
    # A process group of its own, ended by Ctrl-C or SIGTERM before the interrupt goes on.
    proc = run_child([uv, *args], f"uv {args[0]}", env=uv_env(downloads=downloads))
    if check and proc.returncode:
        raise ResolutionError(
            f"uv {args[0]} {args[1] if len(args) > 1 else ''}".strip()
            + f" failed (exit status {proc.returncode})",
            (proc.stderr or proc.stdout).strip(),
        )
    return proc


def uv_version(uv: str) -> str:
    return run_uv(uv, "--version").stdout.strip()
