"""The sibling checkouts: git, the worker pool, bootstrap and update, status, the lock file, and
which siblings changed since a revision."""
