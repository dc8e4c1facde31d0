"""What the venv holds: its distributions, the import names each one provides, and where those
names resolve, all asked of the venv's own Python (``importlib.metadata``) in one subprocess
that runs ``venv_probe.py``."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from workspace.errors import WorkspaceError
from workspace.text import normalize_name


@dataclass(frozen=True)
class InstalledDist:
    """A distribution installed in the venv, as ``importlib.metadata`` sees it there."""

    name: str  # normalized (PEP 503)
    version: str
    files: tuple[str, ...] = ()  # as listed in RECORD, relative to the site directory
    direct_url: Mapping[str, object] | None = field(default=None, compare=False)

    @property
    def editable(self) -> bool:
        info = (self.direct_url or {}).get("dir_info")
        return isinstance(info, dict) and bool(info.get("editable"))

    @property
    def url_path(self) -> Path | None:
        """The local directory it was installed from, when it came from a file:// URL."""
        url = (self.direct_url or {}).get("url")
        if not isinstance(url, str) or not url.startswith("file://"):
            return None
        return Path(unquote(urlparse(url).path))


@dataclass(frozen=True)
class VenvContents:
    """What the venv's Python reported: every distribution, and for the ones asked about their
    import names and where each of those names resolves."""

    dists: Mapping[str, InstalledDist] = field(default_factory=dict)
    names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # by distribution name
    resolved: Mapping[str, Mapping[str, object]] = field(default_factory=dict)  # by import name
    # packages_distributions(): top-level import name -> the distributions that provide it
    providers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    stdlib: frozenset[str] = frozenset()  # the venv Python's sys.stdlib_module_names (3.10+)

    def import_names(self, dist: str) -> tuple[str, ...]:
        """The import names of a distribution asked about; empty for any other."""
        return self.names.get(normalize_name(dist), ())


# Run by path in the venv's own Python, which may not have this package installed.
PROBE = Path(__file__).with_name("venv_probe.py")

_TIMEOUT = 120  # seconds


def _failure(python: Path, detail: str) -> WorkspaceError:
    return WorkspaceError(
        f"{python} could not look up the import names: {detail}",
        hint="run: nox -s setup -- --force",
    )


def _run_probe(python: Path, question: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), "-I", str(PROBE), json.dumps(question)],
        capture_output=True,
        text=True,
        check=False,
        timeout=_TIMEOUT,
    )


def _dist(raw: Mapping[str, object]) -> InstalledDist:
    files = raw.get("files")
    direct = raw.get("direct_url")
    return InstalledDist(
        normalize_name(str(raw.get("name", ""))),
        str(raw.get("version", "")),
        tuple(str(f) for f in files) if isinstance(files, list) else (),
        direct if isinstance(direct, dict) else None,
    )


def read_venv(python: Path, wanted: Iterable[str] = ()) -> VenvContents:
    """Every distribution the venv's Python sees; for the ``wanted`` ones (by distribution
    name), their import names and where each resolves. One subprocess for all of it."""
    try:
        proc = _run_probe(python, {"wanted": sorted({normalize_name(w) for w in wanted})})
    except OSError as exc:
        raise _failure(python, exc.strerror or str(exc)) from None
    except subprocess.TimeoutExpired:
        raise _failure(python, f"no answer in {_TIMEOUT} s") from None
    if proc.returncode:  # a traceback's last line says what went wrong
        last = proc.stderr.strip().splitlines()[-1:] or [f"exit status {proc.returncode}"]
        raise _failure(python, last[0][-300:])
    lines = proc.stdout.strip().splitlines()  # a .pth file may print before the probe runs
    try:
        data = json.loads(lines[-1]) if lines else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise _failure(python, f"unexpected output: {proc.stdout.strip()[-300:]!r}")
    raw_dists, raw_names, raw_resolved, raw_providers = (
        raw if isinstance(raw := data.get(k), dict) else {}
        for k in ("dists", "names", "resolved", "providers")
    )
    dists = {d.name: d for d in (_dist(v) for v in raw_dists.values() if isinstance(v, dict))}
    names = {str(k): tuple(str(n) for n in v) for k, v in raw_names.items() if isinstance(v, list)}
    resolved = {str(k): v for k, v in raw_resolved.items() if isinstance(v, dict)}
    providers = {
        str(k): tuple(map(str, v)) for k, v in raw_providers.items() if isinstance(v, list)
    }
    stdlib = data.get("stdlib")
    return VenvContents(
        dists, names, resolved, providers, frozenset(stdlib if isinstance(stdlib, list) else ())
    )


def importable(python: Path, modules: Sequence[str]) -> dict[str, str | None]:
    """Which modules the venv's own Python imports: name -> None, or why not, in one line."""
    try:
        proc = _run_probe(python, {"import": list(modules)})
        data = json.loads(proc.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.TimeoutExpired, ValueError, IndexError):
        return dict.fromkeys(modules, f"{python} does not run")
    return {m: data.get(m, "not reported") if isinstance(data, dict) else "?" for m in modules}
