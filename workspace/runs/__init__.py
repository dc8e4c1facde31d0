"""Test runs: the suites, the runner and its kills, what earlier runs left (history), and what
a run leaves and shows (JUnit, summary.json, progress)."""
