"""What the apps above exchange do once a snapshot is accepted, without exchange importing them: an app
registers a callback in its AppConfig.ready() (monitoring prepares the month's screening facts, and
screens the month an officer uploaded), and the importer calls them after the snapshot's row is
committed. A follower that fails never undoes the import: its failure becomes a warning."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

Progress = Callable[[str, float], None]


@dataclass
class AcceptedSnapshot:
    month: str  # YYYY-MM
    path: Path  # the stored snapshot directory (store/<month>-<sha8>); the store lock is still held
    actor: Any
    progress: Progress  # (Chinese step, fraction 0–1 of the follower's work)
    warnings: list[str] = field(default_factory=list)  # what the importing officer should know


@dataclass
class UploadAccepted:
    """A snapshot an officer uploaded through the web was accepted; its import job shows what follows."""

    month: str
    actor: Any
    progress: Progress


SnapshotFollower = Callable[[AcceptedSnapshot], None]
UploadFollower = Callable[[UploadAccepted], str]  # returns one line for the job page
_snapshot_followers: list[SnapshotFollower] = []
_upload_followers: list[UploadFollower] = []


def on_snapshot_accepted(callback: SnapshotFollower) -> SnapshotFollower:
    if callback not in _snapshot_followers:
        _snapshot_followers.append(callback)
    return callback


def on_upload_accepted(callback: UploadFollower) -> UploadFollower:
    if callback not in _upload_followers:
        _upload_followers.append(callback)
    return callback


def snapshot_accepted(event: AcceptedSnapshot) -> None:
    """Runs every snapshot follower; one that fails is logged and named in the warnings, the rest run."""
    for follow in list(_snapshot_followers):
        try:
            follow(event)
        except Exception as e:
            logger.warning("a follower of snapshot %s failed: %s", event.month, type(e).__name__)
            event.warnings.append(f"导入后续处理未完成（{type(e).__name__}）")


def upload_accepted(event: UploadAccepted) -> list[str]:
    """Runs every upload follower in turn and returns their lines; a failure propagates to the job."""
    return [follow(event) for follow in list(_upload_followers)]
