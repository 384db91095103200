"""Taking a copy of a resource: the file first, then the record of it, in one unit of work."""

from __future__ import annotations

import os
from pathlib import Path

from sqlmodel import Session

from boo_cli.errors import BooError, Conflict
from boo_cli.files import write_text_atomically
from boo_cli.models import BusinessProfile, ResourceDownload, User
from boo_cli.services.dates import today_in
from boo_cli.services.newsletter import record_download
from boo_cli.services.resources import Resource, fill, placeholders_context


def write_copy(
    session: Session,
    user: User,
    resource: Resource,
    folder: Path,
    *,
    force: bool = False,
    business: BusinessProfile | None = None,
) -> tuple[ResourceDownload, Path]:
    """Write the resource (without its front matter; filled in when a business is given) into folder,
    then record the download. A failed write records nothing; a failed record removes the new file."""
    folder = folder.expanduser()
    if not folder.is_dir():
        raise BooError(f"the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise BooError(f"the folder {folder} is not writable")
    target = (folder / resource.file_name).resolve()
    if target.exists() and not force:
        raise Conflict(f"{target} already exists", hint="Use --force to overwrite it.")
    text = resource.body
    if business is not None:
        text = fill(
            resource, placeholders_context(business=business, owner=user, today=today_in(user.timezone))
        )
    existed = target.exists()
    write_text_atomically(target, text)
    try:
        return record_download(session, user, resource, target), target
    except Exception:
        if not existed:
            target.unlink(missing_ok=True)
        raise
