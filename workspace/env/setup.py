"""The shared environment: one uv venv where every selected sibling is an editable install.

Setup is one resolution. Every present Python sibling becomes an ``--overrides`` entry
``-e <path>[extras]``, so any requirement on a sibling, wherever it appears (dependencies,
extras, dependency groups, a version range, a ``git+https://`` URL), resolves to the local
checkout, editable, with the extras the workspace asks of it. The resolution is computed with
``uv pip compile`` first; only when it succeeds is the venv touched, so a failed resolution
leaves the previous venv as it was. The pins are then installed with ``--no-deps``.

A fingerprint of everything the result depends on is stored in the venv; an equal fingerprint
means there is nothing to do.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from workspace.env.interpreters import Interpreter, find_python, python_spec
from workspace.env.plan import InstallPlan
from workspace.env.uv import ResolutionError, find_uv, run_uv, uv_version
from workspace.env.venv import (
    REBUILD,
    Fingerprint,
    Flags,
    Log,
    fingerprint,
    read_fingerprint,
    setup_lock,
    venv_interpreter,
    venv_python,
    write_fingerprint,
)
from workspace.errors import EnvError, WorkspaceError
from workspace.model.statedir import fingerprint_file
from workspace.text import display_path, normalize_name, plural

FIX_IT = "fix the sibling named in the output, then run setup again"


@dataclass(frozen=True)
class Options:
    force: bool = False
    layered: bool = False
    python: str | None = None  # an explicit interpreter (path or version)
    from_index: tuple[str, ...] = ()  # siblings the user lets come from the package index
    pins: Path | None = None  # the resolution, the other files for uv beside it (default: shared)


@dataclass(frozen=True)
class SetupResult:
    """What setup did: ``changed`` is False when the fingerprint matched."""

    venv: Path
    python: Interpreter
    installed: tuple[str, ...]
    changed: bool
    recreated: bool
    duration: float
    fingerprint: str


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _compile(uv: str, python: Path, requirements: Path, pins: Path) -> None:
    """Write the resolution to ``pins`` (``pins.txt``: :func:`read_pins` reads it)."""
    overrides = pins.with_name("overrides.txt")
    args = ["--no-header", "--overrides", str(overrides), "-o", str(pins), "--", str(requirements)]
    run_uv(uv, "pip", "compile", "--quiet", "--python", str(python), *args)


@contextlib.contextmanager
def _explained(message: str, hint: str, *, touched: bool = False) -> Iterator[None]:
    """A uv failure in the block, said as ``message`` with uv's output and ``hint``."""
    try:
        yield
    except ResolutionError as exc:
        raise ResolutionError(message, exc.output, hint=hint, touched=touched) from None


def setup(plan: InstallPlan, options: Options | None = None, log: Log | None = None) -> SetupResult:
    """Create or update the shared venv for ``plan``; a no-op when the fingerprint matches."""
    options = options or Options()
    say = log or (lambda _msg: None)
    ws = plan.workspace
    uv = find_uv()
    spec = python_spec(ws, {s.name: plan.projects[s.name] for s in plan.install})
    with setup_lock(ws, say):
        start = time.monotonic()
        uv_text = uv_version(uv)
        flags = Flags(options.python, tuple(sorted(normalize_name(n) for n in options.from_index)))
        # The venv is kept while its Python satisfies the requirements (and --python, if given).
        current = venv_interpreter(ws.venv, spec)
        base = find_python(uv, spec, options.python) if options.python else None
        if current is not None and base is not None and not _same_python(current, base):
            current = None
        if current is not None and not options.force:
            digest = fingerprint(plan, current, uv_text, flags)
            try:
                stamp = read_fingerprint(ws.venv)
            except WorkspaceError as exc:  # the product's own file: one warning, then rebuild
                say(f"warning: {exc.message}; building the environment anew")
                stamp = None
            if stamp is not None and stamp.hash == digest:
                return _result(plan, current, digest, start, changed=False, recreated=False)
        if base is None:
            base = find_python(uv, spec) if current is None else current
        _build(uv, plan, options, base if current is None else None, say)
        python = venv_interpreter(ws.venv, spec)
        if python is None:
            raise EnvError(
                f"{display_path(ws.venv)} has no usable pyvenv.cfg after setup",
                hint="run setup again with --force",
            )
        digest = fingerprint(plan, python, uv_text, flags)
        names = tuple(s.name for s in plan.install)
        created = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        stamp = Fingerprint(digest, python.path, python.version, uv_text, names, flags, created)
        write_fingerprint(ws.venv, stamp)
        return _result(plan, python, digest, start, changed=True, recreated=current is None)


def _result(
    plan: InstallPlan,
    python: Interpreter,
    digest: str,
    start: float,
    *,
    changed: bool,
    recreated: bool,
) -> SetupResult:
    return SetupResult(
        plan.workspace.venv,
        python,
        tuple(s.name for s in plan.install),
        changed=changed,
        recreated=recreated,
        duration=time.monotonic() - start,
        fingerprint=digest,
    )


def _build(
    uv: str, plan: InstallPlan, options: Options, create: Interpreter | None, say: Log
) -> None:
    """Resolve, then (only when that succeeded) create the venv if ``create`` and install."""
    ws = plan.workspace
    resolver = venv_python(ws.venv) if create is None else create.path
    pins = options.pins or ws.state.pins()
    _write(pins.with_name("requirements.in"), plan.requirements_text())
    _write(pins.with_name("overrides.txt"), plan.overrides_text())
    # Resolve before touching the venv: a failure leaves the previous venv as it was.
    _resolve(uv, plan, options.layered, resolver, pins)
    resolution = read_pins(pins)
    _refuse_index_siblings(plan, resolution, options.from_index)
    fingerprint_file(ws.venv).unlink(missing_ok=True)
    if create is not None:
        say(f"creating {display_path(ws.venv)} with {create}")
        _create_venv(uv, ws.venv, create.path)
    reinstall = ["--reinstall"] if options.force else []
    if options.layered:
        _install_layers(uv, plan, pins, resolution, reinstall, say)
        return
    say(f"installing {plural(len(plan.install), 'sibling')} from one resolution")
    args = ["--no-deps", *reinstall, "-r", str(pins)]
    with _explained("installing the resolved environment failed", FIX_IT, touched=True):
        run_uv(uv, "pip", "install", "--quiet", "--python", str(venv_python(ws.venv)), *args)


_PIN_RE = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*==")


@dataclass(frozen=True)
class Pins:
    """A resolution as ``uv pip compile`` wrote it (``pins.txt``): its requirement lines but
    the editables (markers kept), and per pinned distribution its version and what needs it."""

    lines: tuple[str, ...] = ()
    versions: Mapping[str, str] = field(default_factory=dict)  # name as written -> version
    needed_by: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # uv's "# via"

    @classmethod
    def parse(cls, text: str) -> Pins:
        lines: list[str] = []
        versions: dict[str, str] = {}
        needed_by: dict[str, tuple[str, ...]] = {}
        current = None
        for line in text.splitlines():
            if line.lstrip().startswith("#"):
                via = line.strip().lstrip("#").strip().removeprefix("via").strip()
                if current is not None and via and not via.startswith("-r"):
                    needed_by[current] += (via,)
                continue
            pin, current = _PIN_RE.match(line), None
            if line.strip() and not line.lstrip().startswith("-e"):
                lines.append(line.strip())
            if pin is not None:
                current = pin.group(1)
                versions[current] = line[pin.end() :].split(";")[0].strip()
                needed_by[current] = ()
        return cls(tuple(lines), versions, needed_by)


def read_pins(path: Path) -> Pins:
    """The one reader of a ``pins.txt`` (setup writes it with ``uv pip compile -o``): empty
    when setup has not resolved; an EnvError naming the file when it cannot be read."""
    try:
        return Pins.parse(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError):
        return Pins()
    except (OSError, ValueError) as exc:  # unreadable, or not UTF-8
        raise EnvError(f"{display_path(path)}: cannot read: {exc}", hint=REBUILD) from None


def index_siblings(pins: Pins, names: Iterable[str]) -> dict[str, list[str]]:
    """The siblings (``names``) that a resolution pins from the package index, each with what
    needs it."""
    wanted = {normalize_name(n) for n in names}
    found = {normalize_name(n): list(via) for n, via in pins.needed_by.items()}
    return {n: via for n, via in found.items() if n in wanted}


def _refuse_index_siblings(plan: InstallPlan, pins: Pins, allowed: Iterable[str]) -> None:
    """A sibling that is not installed from its checkout must not come in from the index by
    way of a third-party requirement, unless the user said so (--from-index)."""
    absent = [s.name for s in plan.workspace.siblings if s.name not in plan.projects]
    taken = index_siblings(pins, absent)
    refused = {n: via for n, via in taken.items() if n not in {normalize_name(a) for a in allowed}}
    if refused:
        raise ResolutionError(
            f"the resolution takes {', '.join(refused)} from the package index, but "
            f"{display_path(plan.workspace.config_file)} lists it as a sibling",
            "\n".join(
                f"{n} is needed by {', '.join(v) or 'the requirements'}" for n, v in refused.items()
            ),
            hint="bootstrap it so its checkout is used, or pass --from-index NAME to take it "
            "from the index on purpose",
        )


def _same_python(venv: Interpreter, base: Interpreter) -> bool:
    """Whether a venv (home directory, version) was made from ``base``."""
    if venv.version != base.version:
        return False
    homes = {venv.path, venv.path.resolve()}
    return base.path.parent in homes or base.path.resolve().parent in homes


def _create_venv(uv: str, venv: Path, python: Path) -> None:
    if (venv / "pyvenv.cfg").is_file():
        shutil.rmtree(venv)
    elif venv.exists() and any(venv.iterdir()):
        raise EnvError(
            f"{display_path(venv)} exists and is not a virtual environment",
            hint="move it away, or set [workspace].venv to another path",
        )
    run_uv(uv, "venv", "--quiet", "--no-python-downloads", "--python", str(python), "--", str(venv))


def _resolve(uv: str, plan: InstallPlan, layered: bool, python: Path, pins: Path) -> None:
    """Compute the pins; layered, resolve layer 1, then 1-2, ... so a failure names a layer."""
    if not layered:
        hint = "uv's explanation is above; --layered shows which layer brings the conflict"
        with _explained("the workspace does not resolve", hint):
            _compile(uv, python, pins.with_name("requirements.in"), pins)
        return
    done: list[str] = []
    for layer, members in plan.layers:
        done += members
        path = _write(pins.with_name("layer.in"), plan.requirements_text(done))
        what = f"layer {layer or '(all)'} ({', '.join(members)}) does not resolve"
        with _explained(f"{what} with the layers below it", "uv's explanation is above"):
            _compile(uv, python, path, pins)


def _install_layers(
    uv: str, plan: InstallPlan, pins: Path, resolution: Pins, reinstall: list[str], say: Log
) -> None:
    """One uv call per layer, bottom-up, each held to the full resolution's pins."""
    constraints = "".join(line + "\n" for line in resolution.lines)  # editables left out
    cfile = _write(pins.with_name("constraints.txt"), constraints)
    target = venv_python(plan.workspace.venv)
    overrides = pins.with_name("overrides.txt")
    for layer, members in plan.layers:
        say(f"installing layer {layer or '(all)'}: {', '.join(members)}")
        path = _write(pins.with_name("layer.in"), plan.requirements_text(members))
        what = f"installing layer {layer or '(all)'} ({', '.join(members)}) failed"
        args = ["--overrides", str(overrides), "-c", str(cfile), *reinstall, "-r", str(path)]
        with _explained(what, FIX_IT, touched=True):
            run_uv(uv, "pip", "install", "--quiet", "--python", str(target), *args)
