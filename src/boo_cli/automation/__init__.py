"""Scheduled tasks: when they run (triggers), what they do (actions), and run-due (runner)."""
