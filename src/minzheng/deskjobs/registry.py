"""The kinds of desk job, registered by the apps that own the work (in their AppConfig.ready()): a kind
is a name and the function the worker calls with a JobContext. deskjobs knows no app above it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .models import DeskJob


@dataclass
class JobContext:
    """What a kind's run function gets: the job, its owner (the actor the work runs as), a progress
    callback, and a place to write the job's file (only through `file`)."""

    job: DeskJob
    actor: Any
    progress: Callable[[str, float], None]
    folder: Path
    message: str = ""
    result_url: str = ""
    result_pk: int | None = None
    files: list[tuple[Path, str, str]] = field(default_factory=list)  # path, download name, type

    @contextmanager
    def file(self, name: str, content_type: str) -> Iterator[IO[bytes]]:
        """Open the job's output file for writing (private, under JOB_FILES_DIR); `name` is what the
        download is called."""
        path = self.folder / f"job-{self.job.pk}{Path(name).suffix}"
        self.files.append((path, name, content_type))
        fd = path.open("wb")
        path.chmod(0o600)
        with fd:
            yield fd


@dataclass(frozen=True)
class JobKind:
    code: str
    run: Callable[[JobContext], None]


_KINDS: dict[str, JobKind] = {}


def register(code: str, run: Callable[[JobContext], None]) -> None:
    _KINDS[code] = JobKind(code=code, run=run)


def kind(code: str) -> JobKind:
    try:
        return _KINDS[code]
    except KeyError:
        raise LookupError(f"未登记的任务类型：{code}") from None
