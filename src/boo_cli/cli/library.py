"""The resource library as the commands see it: loaded once, with a warning line per skipped file.

Its own module so that `boo resources` and its `newsletter` group both use it without importing each
other (the digest needs the library; the resources group registers the newsletter group).
"""

from __future__ import annotations

from boo_cli.cli.context import app_context


def library():
    """The library, with one warning line on stderr per user file that was skipped."""
    from boo_cli.services.resources import load_library

    loaded = load_library()
    for warning in loaded.warnings:
        app_context().say(f"Warning: {warning}")
    return loaded
