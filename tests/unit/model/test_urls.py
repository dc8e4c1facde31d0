"""Repository URLs: unsafe values refused, [rewrite] prefixes applied."""

from __future__ import annotations

import pytest

from workspace.model import urls


@pytest.mark.parametrize(
    ("repo", "problem"),
    [
        ("https://github.com/x/y.git", None),
        ("git@github.com:x/y.git", None),
        ("file:///srv/y.git", None),
        ("-u", "starts with '-'"),
        ("EXT::sh", "'EXT::' transport"),
        ("a\tb", "control characters"),
        ("~no_such_user_here/y", "the home of no user"),
        ("~/y", None),
    ],
)
def test_repo_problem(repo: str, problem: str | None) -> None:
    found = urls.repo_problem(repo)
    assert (found is None) if problem is None else (problem in (found or ""))


def test_rewrite_uses_the_longest_prefix() -> None:
    rules = {"https://a/": "file:///m/", "https://a/b/": "file:///n/"}
    assert urls.rewrite_url("https://a/b/c.git", rules) == "file:///n/c.git"
    assert urls.rewrite_url("https://a/c.git", rules) == "file:///m/c.git"
    assert urls.rewrite_url("https://z/c.git", rules) == "https://z/c.git"
