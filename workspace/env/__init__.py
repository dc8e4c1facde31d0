"""The shared venv: uv, the interpreters, the install plan, setup, what the venv holds, and
validate's checks of it."""
