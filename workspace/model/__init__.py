"""What the workspace is, before anything runs: wrknv.toml, each sibling's pyproject.toml, the
dependency graph between siblings, and which of them a command works on."""
