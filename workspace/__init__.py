"""provide-workspace: many sibling repositories, one development environment."""

from __future__ import annotations

from workspace.errors import (
    ConfigError,
    EnvError,
    ExitCode,
    GitError,
    GraphError,
    Problem,
    SelectionError,
    WorkspaceError,
)
from workspace.model.config import Sibling, TestSettings, Workspace, load
from workspace.model.graph import Category, Edge, Graph, build
from workspace.model.selection import Selection

__all__ = [
    "Category",
    "ConfigError",
    "Edge",
    "EnvError",
    "ExitCode",
    "GitError",
    "Graph",
    "GraphError",
    "Problem",
    "Selection",
    "SelectionError",
    "Sibling",
    "TestSettings",
    "Workspace",
    "WorkspaceError",
    "build",
    "load",
]
