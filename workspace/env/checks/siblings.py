"""validate's checks of the siblings in the venv: present, editable from their checkouts,
importing from them, versions that agree, the layer rule, the lock."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workspace.env.checks import SETUP_HINT, CheckResult, error, ok, warning
from workspace.env.plan import bootstrap_command, installed_mismatches
from workspace.env.venv import REBUILD
from workspace.errors import GraphError, WorkspaceError
from workspace.fsutil import inside, same_path
from workspace.repos import git
from workspace.repos import lock as lockfile
from workspace.text import display_path, plural

if TYPE_CHECKING:
    from workspace.env.validate import Context


def check_siblings(ctx: Context) -> list[CheckResult]:
    """Each selected sibling is present and a git checkout."""
    out = []
    for sib in ctx.selected:
        name = f"present:{sib.name}"
        shown = display_path(sib.path)
        if not sib.path.is_dir():
            out.append(error(name, f"{shown} does not exist", bootstrap_command([sib.name])))
        elif not git.is_checkout(sib.path):
            out.append(
                error(
                    name,
                    f"{shown} is not a git checkout",
                    f"move it away and run: {bootstrap_command([sib.name])}",
                )
            )
        elif sib.name in ctx.graph.broken:
            out.append(
                error(
                    name,
                    f"{shown}/pyproject.toml cannot be read: {ctx.graph.broken[sib.name]}",
                    "fix it (a merge conflict left in it?), or leave it out with --skip",
                )
            )
        else:
            head = git.head_commit(sib.path)
            out.append(ok(name, f"{shown} at {head[:12] if head else '(no commit yet)'}"))
    return out


def check_editables(ctx: Context) -> list[CheckResult]:
    """Each Python sibling is installed as editable from its own path."""
    if ctx.site is None:
        return [error("editable", "the venv has no site-packages", SETUP_HINT)]
    out = []
    for sib in ctx.python_siblings:
        name = f"editable:{sib.name}"
        dist = ctx.dist_of(sib)
        shown = display_path(sib.path)
        if dist is None:
            out.append(error(name, f"{sib.name} is not installed in the venv", SETUP_HINT))
            continue
        source = dist.url_path
        if source is None:
            wrong = f"{dist.name} {dist.version} was installed from an index, not from {shown}"
        elif not dist.editable:
            wrong = f"{dist.name} {dist.version} is a copy built from {source}, not editable"
        elif not same_path(source, sib.path):
            wrong = f"{dist.name} is editable from {source}, not from {shown}"
        elif not sib.path.is_dir():
            gone = f"editable from {shown}, which no longer exists"
            out.append(error(name, gone, bootstrap_command([sib.name])))
            continue
        else:
            out.append(ok(name, f"{dist.name} {dist.version} editable from {shown}"))
            continue
        out.append(error(name, wrong, REBUILD))
    return out


def check_imports(ctx: Context) -> list[CheckResult]:
    """Each sibling's import names resolve to files inside its own checkout."""
    out = []
    for sib in ctx.python_siblings:
        name = f"imports:{sib.name}"
        if ctx.dist_of(sib) is None:
            out.append(error(name, f"{sib.name} is not installed", SETUP_HINT))
            continue
        names = ctx.names.get(sib.name, [])
        if not names:
            out.append(
                warning(
                    name,
                    f"no import names found in the installed files of {sib.name}",
                    "check that its build backend includes its packages",
                )
            )
            continue
        bad = []
        for mod in names:
            where = ctx.contents.resolved.get(mod, {"error": "not looked up"})
            if "error" in where:
                bad.append(f"{mod}: {where['error']}")
                continue
            origin = where.get("origin")
            raw_locations = where.get("locations")
            locations = [str(x) for x in raw_locations] if isinstance(raw_locations, list) else []
            places = [str(origin), *locations] if origin else locations
            if not any(inside(p, sib.path) for p in places):
                bad.append(f"{mod} -> {places[0] if places else '?'}")
        if bad:
            out.append(
                error(
                    name,
                    f"outside {display_path(sib.path)}: {'; '.join(bad)}",
                    "another copy shadows the checkout: run nox -s setup -- --force",
                )
            )
        else:
            out.append(ok(name, f"{', '.join(names)} from {display_path(sib.path)}"))
    return out


def check_versions(ctx: Context) -> list[CheckResult]:
    """Sibling-to-sibling version constraints hold for the local checkouts."""
    mismatches, unchecked = installed_mismatches(
        ctx.graph, [s.name for s in ctx.python_siblings], ctx.contents.dists
    )
    if mismatches:
        return [
            error(
                "versions",
                "; ".join(str(m) for m in mismatches),
                "update the checkout (nox -s update) or the requirement",
            )
        ]
    if unchecked:
        return [warning("versions", "; ".join(unchecked), "install the sibling: nox -s setup")]
    return [ok("versions", "every sibling-to-sibling constraint is met by the checkouts")]


def check_layers(ctx: Context) -> list[CheckResult]:
    """No runtime edge points to a higher layer, and no runtime cycle."""
    violations = ctx.graph.layer_violations()
    if violations:
        return [
            error(
                "layers",
                "; ".join(violations),
                "a sibling may only need siblings in its own or a lower layer",
            )
        ]
    try:
        ctx.graph.generations()
    except GraphError as exc:
        return [error("layers", exc.message, exc.hint)]
    shown = (
        plural(len(ctx.workspace.layers), "layer") if ctx.workspace.layers else "no layers declared"
    )
    return [ok("layers", f"every runtime edge points down or sideways ({shown})")]


def check_lock(ctx: Context) -> list[CheckResult]:
    """When wrknv.lock exists, each checkout is at its locked commit."""
    try:
        entries = lockfile.read_lock(ctx.workspace)
    except WorkspaceError as exc:
        return [error("lock", str(exc).splitlines()[0], "fix or regenerate it: nox -s lock")]
    if entries is None:
        return [ok("lock", "no wrknv.lock (nothing to compare)")]
    drift, unlocked = [], []
    for sib in ctx.selected:
        if not sib.path.is_dir():
            continue  # check_siblings reports it
        entry = entries.get(sib.name)
        if entry is None:
            unlocked.append(sib.name)
            continue
        head = git.head_commit(sib.path)
        if head != entry.commit:
            drift.append(f"{sib.name} at {head[:12] if head else '?'}, locked {entry.commit[:12]}")
    if drift:
        return [
            warning(
                "lock",
                "checkouts differ from wrknv.lock: " + "; ".join(drift),
                "nox -s bootstrap -- --locked to go back, or nox -s lock to record them",
            )
        ]
    if unlocked:
        return [
            warning("lock", f"not in wrknv.lock: {', '.join(unlocked)}", "record them: nox -s lock")
        ]
    return [ok("lock", f"every checkout is at its locked commit ({len(entries)} locked)")]
