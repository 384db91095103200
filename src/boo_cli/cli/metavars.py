"""Help a person can read: every value in `--help` says what it expects, and flags show none.

Typer labels values by their Python type (`<str>`, `<list[str]>`, `<bool>` even on a flag) and
brackets an optional argument's metavar again (`[[PROFILE]]`). `make_readable` runs once on each
command tree as it is built and gives every parameter a word instead: an explicit metavar= wins,
then the option's name (--target DATE, --at WHEN, --tz ZONE, …), then its type (int N, Path FILE,
text TEXT). Typer has no hook for its parameter classes, so the parameters are moved to two
subclasses that differ only in how they are drawn.
"""

from __future__ import annotations

from pathlib import Path

from typer import _click
from typer.core import TyperArgument, TyperOption

# What an option's value is, by its name. The help text beside it gives the forms or the choices.
BY_NAME: dict[str, str] = {
    **dict.fromkeys(["target", "due", "date", "on"], "DATE"),
    **dict.fromkeys(["at", "since", "until", "now", "start"], "WHEN"),
    **dict.fromkeys(["timeline", "every", "timeout"], "SPAN"),
    **dict.fromkeys(["annual-revenue", "target-revenue", "amount"], "AMOUNT"),
    **dict.fromkeys(["url", "link", "webhook", "db"], "URL"),
    **dict.fromkeys(["email", "mail-to", "user"], "EMAIL"),
    **dict.fromkeys(["timezone", "tz"], "ZONE"),
    **dict.fromkeys(["strategy", "to-strategy"], "STRATEGY"),
    "cron": "CRON",
    "duration": "MINUTES",
    "format": "FORMAT",
    "status": "STATUS",
    "type": "TYPE",
    "priority": "LEVEL",
    "stage": "STAGE",
    "sort": "KEY",
    "section": "SECTION",
    "topic": "TOPIC",
    "frequency": "PERIOD",
    "missed": "POLICY",
    "builtin": "NAME",
    "name": "NAME",
    "method": "METHOD",
    "header": "HEADER",
    "shell": "COMMAND",
    "phone": "PHONE",
}
BY_TYPE: dict[object, str] = {int: "N", float: "NUMBER", Path: "FILE", str: "TEXT"}


class ReadableOption(TyperOption):
    """An option drawn with its metavar, and a flag drawn with none."""

    def display_type_rich(self, ctx) -> str | None:
        return None if self.is_flag or self.count else self.metavar


class ReadableArgument(TyperArgument):
    """An argument drawn as NAME (required) or [NAME] (optional), with the kind of value beside it."""

    kind: str | None = None

    def display_type_rich(self, ctx) -> str | None:
        return self.kind

    def _usage_display_name(self) -> str:
        name = self.display_name_raw + ("..." if self.nargs != 1 else "")
        return name if self.required else f"[{name}]"


def _kind(param) -> str:
    annotation = param.type_descriptor.annotation
    element = getattr(annotation, "__args__", (annotation,))[0]  # list[str] -> str
    return BY_TYPE.get(element, "TEXT")


def make_readable(command, help_names: list[str] | None = None) -> None:
    """Give every parameter of command, and of the subcommands it holds, a readable metavar."""
    if help_names and command.add_help_option:
        # Click makes the --help option on first use; make it now, so that it is drawn as a flag too.
        command.get_help_option(_click.Context(command, help_option_names=help_names))
        if command._help_option is not None:
            command._help_option.__class__ = ReadableOption
    for param in command.params:
        if isinstance(param, TyperOption):
            param.__class__ = ReadableOption
            long_name = next((o[2:] for o in param.opts if o.startswith("--")), param.name)
            if param.metavar is None and not (param.is_flag or param.count):
                param.metavar = BY_NAME.get(long_name) or _kind(param)
        elif isinstance(param, TyperArgument):
            param.__class__ = ReadableArgument
            metavar = (param.metavar or param.name.upper()).strip("[]")
            kind = BY_NAME.get(param.name) or _kind(param)
            param.metavar, param.kind = metavar, None if kind == metavar else kind
    for sub in getattr(command, "commands", {}).values():
        make_readable(sub, help_names)
