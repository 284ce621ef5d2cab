"""Writing the site: into a fresh staging folder beside the output, swapped in at the end.

A build that fails, or is killed, half-way never touches the previous output: the old folder is
replaced only by a rename once every page is written. No path may leave the staging folder.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Iterator


class OutputFolder:
    def __init__(self, root: Path):
        self.root = root
        self.written: list[str] = []

    def path_for(self, relative: str) -> Path:
        """The file for a site path such as "people/mark-rutte/index.html"; refuses any path
        that would land outside the output folder."""
        pure = PurePosixPath(relative)
        if pure.is_absolute() or any(part in ("..", "") for part in pure.parts) or "\\" in relative:
            raise ValueError(f"output path escapes the site folder: {relative!r}")
        target = self.root.joinpath(*pure.parts)
        if not target.resolve().is_relative_to(self.root.resolve()):
            raise ValueError(f"output path escapes the site folder: {relative!r}")
        return target

    def write(self, relative: str, content: str | bytes) -> None:
        target = self.path_for(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        target.write_bytes(data)
        self.written.append(relative)

    def copy_tree(self, source: Path, relative: str = "") -> None:
        """Copy a folder of static files into the site (skipping hidden files)."""
        if not source.is_dir():
            return
        for path in sorted(source.rglob("*")):
            rel = path.relative_to(source)
            if path.is_file() and not any(part.startswith(".") for part in rel.parts):
                destination = "/".join(filter(None, [relative, rel.as_posix()]))
                target = self.path_for(destination)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
                self.written.append(destination)


@contextmanager
def staged_output(out_dir: Path) -> Iterator[OutputFolder]:
    """Yield a staging folder; on success it becomes `out_dir`, on any failure it is removed
    and `out_dir` is left exactly as it was."""
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=out_dir.parent))
    try:
        yield OutputFolder(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    os.chmod(staging, 0o755)  # mkdtemp makes it private; a web server must read it
    retired = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
    if out_dir.exists():
        os.replace(out_dir, retired)
    os.replace(staging, out_dir)
    shutil.rmtree(retired, ignore_errors=True)


def remove_stale_staging(out_dir: Path) -> None:
    """Staging folders left by a build that was killed."""
    for leftover in out_dir.absolute().parent.glob(f".{out_dir.name}.staging-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in out_dir.absolute().parent.glob(f".{out_dir.name}.old-*"):
        shutil.rmtree(leftover, ignore_errors=True)
