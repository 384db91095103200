"""The resource library: guides, templates and checklists bundled with boo, plus the user's own folder.

Each file starts with TOML front matter between two `+++` lines (slug, title, type, topics, summary,
version, updated). Reading the library needs no database, so `boo resources list | show | search`
stay as quick as a bare command.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from boo_cli.errors import Invalid, NotFound

TYPES = ("guide", "template", "checklist")
TOPICS = ("finance", "marketing", "sales", "operations", "clients", "planning", "technology")
_FENCE = "+++"
_FIELDS = {"slug", "title", "type", "topics", "summary", "version", "updated"}


@dataclass(frozen=True)
class Resource:
    slug: str
    title: str
    type: str
    topics: tuple[str, ...]
    summary: str
    version: int
    updated: date
    body: str
    source: str  # "bundled" or the user's folder
    path: Path

    @property
    def suffix(self) -> str:
        return self.path.suffix

    @property
    def file_name(self) -> str:
        return f"{self.slug}{self.suffix}"


class FrontMatterError(ValueError):
    pass


def parse(text: str, path: Path, source: str) -> Resource:
    """A resource from its file's text; FrontMatterError says what is wrong."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != _FENCE:
        raise FrontMatterError("does not start with a +++ front-matter line")
    try:
        end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == _FENCE)
    except StopIteration:
        raise FrontMatterError("has no closing +++ line") from None
    try:
        meta = tomllib.loads("".join(lines[1:end]))
    except tomllib.TOMLDecodeError as exc:
        raise FrontMatterError(f"front matter is not valid TOML: {exc}") from exc
    missing = _FIELDS - meta.keys()
    if missing:
        raise FrontMatterError(f"front matter lacks {', '.join(sorted(missing))}")
    if meta["slug"] != path.stem or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", str(meta["slug"])):
        raise FrontMatterError(f"slug {meta['slug']!r} must be the file's name in kebab-case ({path.stem!r})")
    if meta["type"] not in TYPES:
        raise FrontMatterError(f"type {meta['type']!r} is not one of {', '.join(TYPES)}")
    topics = meta["topics"]
    if not isinstance(topics, list) or not topics or any(t not in TOPICS for t in topics):
        raise FrontMatterError(f"topics must be a list from: {', '.join(TOPICS)}")
    if not isinstance(meta["version"], int) or not isinstance(meta["updated"], date):
        raise FrontMatterError("version must be a whole number and updated a date (2026-11-20)")
    body = "".join(lines[end + 1 :]).lstrip("\n")
    if not body.strip():
        raise FrontMatterError("has no content after the front matter")
    return Resource(
        slug=meta["slug"],
        title=str(meta["title"]),
        type=meta["type"],
        topics=tuple(topics),
        summary=str(meta["summary"]),
        version=meta["version"],
        updated=meta["updated"],
        body=body,
        source=source,
        path=path,
    )


def bundled_dir() -> Path:
    from importlib.resources import files

    return Path(str(files("boo_cli") / "data" / "resources"))


def user_dir() -> Path | None:
    """The user's own folder: BOO_RESOURCES_DIR, else resources_dir in the config file."""
    from boo_cli.config import load_settings

    configured = os.environ.get("BOO_RESOURCES_DIR") or load_settings().get("resources_dir")
    return Path(str(configured)).expanduser() if configured else None


@dataclass
class Library:
    resources: list[Resource]
    warnings: list[str]


def load_library() -> Library:
    """Bundled resources, then the user's (a user's file with the same slug replaces the bundled one)."""
    found: dict[str, Resource] = {}
    warnings: list[str] = []
    for path in sorted(p for p in bundled_dir().iterdir() if p.suffix in {".md", ".csv"}):
        resource = parse(path.read_text(encoding="utf-8"), path, "bundled")  # bundled files are tested
        found[resource.slug] = resource
    folder = user_dir()
    if folder is not None and folder.is_dir():
        for path in sorted(p for p in folder.iterdir() if p.suffix in {".md", ".csv"} and p.is_file()):
            try:
                resource = parse(path.read_text(encoding="utf-8"), path, str(folder))
            except (FrontMatterError, UnicodeDecodeError, OSError) as exc:
                warnings.append(f"skipped {path}: {exc}")
                continue
            found[resource.slug] = resource
    elif folder is not None:
        warnings.append(f"the resources folder {folder} does not exist")
    return Library(sorted(found.values(), key=lambda r: (r.type, r.title.lower())), warnings)


def check_choice(value: str | None, allowed: tuple[str, ...], field: str) -> str | None:
    if value is None:
        return None
    if value.lower() not in allowed:
        raise Invalid(f"{value!r} is not one of: {', '.join(allowed)}", field=field)
    return value.lower()


def filter_resources(
    library: Library, *, type_: str | None = None, topic: str | None = None
) -> list[Resource]:
    type_ = check_choice(type_, TYPES, "--type")
    topic = check_choice(topic, TOPICS, "--topic")
    return [
        r for r in library.resources if (not type_ or r.type == type_) and (not topic or topic in r.topics)
    ]


def find(library: Library, slug: str) -> Resource:
    """A resource by slug; an unknown slug names the closest ones."""
    import difflib

    for resource in library.resources:
        if resource.slug == slug.strip().lower():
            return resource
    slugs = [r.slug for r in library.resources]
    close = difflib.get_close_matches(slug.lower(), slugs, n=3, cutoff=0.4) or [
        s for s in slugs if slug.lower() in s
    ]
    hint = f"Did you mean: {', '.join(close[:3])}?" if close else "See 'boo resources list'."
    raise NotFound(f"no resource {slug!r}", hint=hint)


def topic_counts(library: Library) -> dict[str, int]:
    counts = Counter(topic for r in library.resources for topic in r.topics)
    return {topic: counts.get(topic, 0) for topic in TOPICS}


_WORD = re.compile(r"\w+")
_FIELD_WEIGHTS = (("title", 3.0), ("summary", 2.0), ("body", 1.0))


def _stem(word: str) -> str:
    word = word.lower()
    for suffix in ("ing", "ies", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def search(library: Library, text: str) -> list[Resource]:
    """Resources matching any word of text, ranked by a BM25-style score over title, summary and
    body (a word in the title counts three times one in the body); the best match first."""
    terms = {_stem(w) for w in _WORD.findall(text)}
    if not terms:
        raise Invalid("give at least one word to search for", field="TEXT")
    docs = [
        {name: Counter(_stem(w) for w in _WORD.findall(getattr(r, name))) for name, _ in _FIELD_WEIGHTS}
        for r in library.resources
    ]
    n = len(docs)
    scored = []
    for resource, fields in zip(library.resources, docs, strict=True):
        score = 0.0
        for term in terms:
            containing = sum(1 for d in docs if any(term in f for f in d.values()))
            if not containing:
                continue
            idf = math.log(1 + (n - containing + 0.5) / (containing + 0.5))
            for name, weight in _FIELD_WEIGHTS:
                tf = fields[name][term]
                length = sum(fields[name].values()) or 1
                score += weight * idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * length / 300))
        if score > 0:
            scored.append((score, resource))
    return [r for _, r in sorted(scored, key=lambda pair: (-pair[0], pair[1].slug))]


def placeholders_context(*, business, owner, today: date) -> dict:
    """What a template may name: {{ business.name }}, {{ business.industry }}, {{ owner.name }},
    {{ owner.email }}, {{ today }}."""
    return {
        "business": {"name": business.business_name, "industry": business.industry or ""},
        "owner": {"name": owner.full_name, "email": owner.email},
        "today": today.isoformat(),
    }


def fill(resource: Resource, context: dict) -> str:
    """The template with its placeholders filled, by Jinja2's sandbox: no code in a template runs."""
    from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
    try:
        return env.from_string(resource.body).render(**context)
    except (TemplateSyntaxError, UndefinedError) as exc:
        raise Invalid(f"the template {resource.slug} cannot be filled: {exc}", field="--fill") from exc
    except Exception as exc:  # the sandbox refusing an unsafe operation, among others
        raise Invalid(f"the template {resource.slug} cannot be filled: {exc}", field="--fill") from exc
