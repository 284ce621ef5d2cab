"""Writing the site: into a fresh staging folder beside the output, swapped in at the end.

A build that fails, or is killed, half-way never touches the previous output: the old folder is
replaced only by a rename once every page is written. No path may leave the staging folder.

An incremental build (one whose page digests say most of the site is unchanged, see
builder.pagedigest) writes a patch instead: only the files that changed go to a patch folder
beside the output, and once everything is written they are moved into the output by rename,
one by one, and the files the site no longer has are deleted. A failed build still leaves the
output untouched, since nothing is moved before the last file is written; a build killed in the
milliseconds the moves take leaves whole files of two versions, and no page digests, so the
next build writes the whole site afresh. Copying a tree of 25,000 hard links and deleting the
old one costs seconds; a patch of fifty files, milliseconds.

Rebuilds are incremental on disk: a file whose bytes are the same as in the previous output is
hard-linked from there into the staging folder instead of written again, so it keeps its inode
and modification time (rsync, deploy tools and browsers see it unchanged), and the build can
say how many pages really changed. The previous output is never written to: a path written
twice is unlinked first, so a hard link never becomes a way to modify the old folder.
"""
from __future__ import annotations

import ctypes
import hashlib
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Iterator


def _site_path(relative: str) -> PurePosixPath:
    """A site path as parts, or ValueError for one that is absolute, climbs out with "..", or
    names the folder itself."""
    pure = PurePosixPath(relative)
    # no parts ("" or "."): the folder itself, which a file must never replace
    if (not pure.parts or pure.is_absolute() or any(part in ("..", "") for part in pure.parts)
            or "\\" in relative):
        raise ValueError(f"output path escapes the site folder: {relative!r}")
    return pure


def _site_parts(relative: str) -> list[str]:
    """_site_path's parts, checked on the string: a carried site asks for 16,000 of them, and a
    PurePosixPath each costs more than the system call they are for."""
    parts = relative.split("/")
    if "\\" in relative or any(part in ("", ".", "..") for part in parts):
        return list(_site_path(relative).parts)  # the exact rules (or the error)
    return parts


class OutputFolder:
    def __init__(self, root: Path, previous: Path | None = None):
        self.root = root
        self._root_prefix = os.path.join(root, "")
        self.previous = previous if previous is not None and previous.is_dir() else None
        self._previous_prefix = os.path.join(self.previous, "") if self.previous is not None else ""
        self.written: list[str] = []
        self.changed: list[str] = []  # written paths whose bytes differ from the previous output
        self._checked_folders: set[str] = set()  # folders _inside has checked and created

    def sibling(self) -> OutputFolder:
        """A folder like this one for another process to write into (its own lists)."""
        return type(self)(self.root, self.previous)

    def path_for(self, relative: str) -> Path:
        """The file for a site path such as "people/mark-rutte/index.html"; refuses any path
        that would land outside the output folder. Its folder is created."""
        target = self._file(relative)
        if os.path.islink(target):
            raise ValueError(f"output path escapes the site folder: {relative!r}")
        return Path(target)

    def _file(self, relative: str) -> str:
        """path_for as a string, its folder created, without looking at the file itself: the
        writers below create files with O_EXCL, which never follows a symlink there. Strings,
        not pathlib: a site has 16,000 files, and a PurePosixPath each costs more than the
        system calls that write it."""
        parts = _site_parts(relative)
        if not self._inside("/".join(parts[:-1])):  # "" for a file at the root
            raise ValueError(f"output path escapes the site folder: {relative!r}")
        return self._root_prefix + "/".join(parts)

    def _inside(self, folder: str) -> bool:
        """Create `folder` (a checked site path, "" for the root) and its parents as real
        folders, none of them a symlink (which could lead out of the site). Each folder is
        checked once, one step below its parent: a site has thousands of folders, and
        resolving each whole path costs a system call per part of it."""
        if folder in self._checked_folders:
            return True
        if not folder:  # the root itself: where the build was told to write
            self.root.mkdir(parents=True, exist_ok=True)
        else:
            parent = folder.rpartition("/")[0]
            if not self._inside(parent):
                return False
            path = self._root_prefix + folder
            try:
                os.mkdir(path)  # made just now: a real folder, nothing to check
            except FileExistsError:
                mode = os.lstat(path).st_mode
                if stat.S_ISLNK(mode):
                    return False
                if not stat.S_ISDIR(mode):
                    raise NotADirectoryError(f"{path}: a file where the site needs a folder") from None
        self._checked_folders.add(folder)
        return True

    def _make_room(self, relative: str, target: str) -> None:
        """Remove what stands at `target` before a second write of a path (a theme file a site
        overrides) or a hard link from an earlier one. A symlink there is refused, not followed."""
        if os.path.islink(target):
            raise ValueError(f"output path escapes the site folder: {relative!r}")
        os.unlink(target)  # may be a hard link into the previous output: never written through

    def _create(self, relative: str, target: str, data: bytes) -> None:
        """Write a new file. O_EXCL fails on anything already there, a symlink included,
        instead of writing through it."""
        try:
            handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except FileExistsError:
            self._make_room(relative, target)
            handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view):]
        finally:
            os.close(handle)

    def write(self, relative: str, content: str | bytes) -> None:
        target = self._file(relative)
        data = content.encode("utf-8") if isinstance(content, str) else content
        if not self._reuse_previous(relative, target, data):
            self._create(relative, target, data)
            self.changed.append(relative)
        self.written.append(relative)

    def carry(self, relative: str) -> bool:
        """Hard-link the previous output's copy of `relative` without reading it: for a file the
        caller knows is unchanged (its inputs' digest is the same, see builder.pagedigest).
        False when there is no such file to carry."""
        old = self._previous_copy(relative)
        if old is None:
            return False
        try:
            self._link(relative, old, self._file(relative))
        except OSError:
            return False
        self.written.append(relative)
        return True

    def take_in(self, written: list[str], changed: list[str]) -> None:
        """Count as this folder's the files a sibling (another process's folder) wrote."""
        self.written += written
        self.changed += changed

    #: Whether every file of the site is in `root` as it will be published (a patch holds only
    #: what changed): a tool that reads the site (Pagefind) can then read `root` itself.
    holds_whole_site = True

    def source_of(self, relative: str) -> str:
        """The file that holds what `relative` has in this build (one written or carried)."""
        return self._file(relative)

    def made_path(self, relative: str) -> Path:
        """Where a tool writes a file of the site for `adopt` to take in: in place."""
        return self.path_for(relative)

    def has_previous(self, relative: str) -> bool:
        """Whether the previous output has a file (not a symlink) for `relative`."""
        return self._previous_copy(relative) is not None

    def adopt(self, relative: str) -> None:
        """Take in a file a tool wrote straight into the folder (Pagefind's bundle): one that
        is the previous output's byte for byte becomes a hard link to that copy. A symlink
        the tool made is refused, like any path that could lead out of the folder."""
        target = self.path_for(relative)  # raises for a symlink
        old = self._previous_copy(relative)
        link = target.with_name(target.name + ".gloss-link")
        # read only a file that may be the same: a new site's bundle of 8,000 files is not read
        if (old is not None and os.lstat(old).st_size == os.lstat(target).st_size
                and self._reuse_previous(relative, link, target.read_bytes())):
            os.replace(link, target)
        else:
            self.changed.append(relative)
        self.written.append(relative)

    def _previous_copy(self, relative: str, data: bytes | None = None) -> str | None:
        """The previous output's file for `relative` if there is one (not a symlink), and, when
        `data` is given, only if it holds exactly those bytes."""
        if self.previous is None:
            return None
        old = self._previous_prefix + "/".join(_site_parts(relative))
        try:
            info = os.lstat(old)  # one system call: a carried site has thousands of files
            if not stat.S_ISREG(info.st_mode):  # a symlink, a folder
                return None
            if data is not None:
                if info.st_size != len(data):
                    return None
                with open(old, "rb") as handle:
                    if handle.read() != data:
                        return None
        except OSError:  # missing, unreadable
            return None
        return old

    def _reuse_previous(self, relative: str, target: str, data: bytes) -> bool:
        """Hard-link the previous output's copy of `relative` if it holds exactly `data`."""
        old = self._previous_copy(relative, data)
        if old is None:
            return False
        try:
            self._link(relative, old, target)
        except OSError:  # a file system without hard links
            return False
        return True

    def _link(self, relative: str, old: str, target: str) -> None:
        try:
            os.link(old, target)  # like O_EXCL: fails on anything there, never follows it
        except FileExistsError:
            self._make_room(relative, target)
            os.link(old, target)

    def copy_tree(self, source: Path, relative: str = "") -> None:
        """Copy a folder of static files into the site (skipping hidden files)."""
        if not source.is_dir():
            return
        for path in sorted(source.rglob("*")):
            rel = path.relative_to(source)
            if path.is_file() and not any(part.startswith(".") for part in rel.parts):
                destination = "/".join(filter(None, [relative, rel.as_posix()]))
                self.write(destination, path.read_bytes())


class PatchFolder(OutputFolder):
    """An OutputFolder that keeps only what differs from the live output (see the module
    docstring): `root` is the patch folder, `previous` the live output.

    The patch folder outlives the build as the output's spare folder: applying a patch swaps
    each new file with the live one (one atomic rename), so the spare folder then holds the
    replaced files, and the next patch writes over those (when nothing else links to them)
    instead of creating files. A template edit replaces 8,000 pages; creating 8,000 files and
    freeing 8,000 others costs seconds on some disks (ext4 without a journal scans past every
    recently freed inode to allocate one), overwriting them a fraction of that."""

    def __init__(self, root: Path, previous: Path | None = None, present: set[str] | None = None):
        super().__init__(root, previous)
        if self.previous is None:
            raise ValueError("a patch needs the output folder it patches")
        self._in_patch: set[str] = set()
        # the live output's regular files, listed during this build (list_files): a carried
        # page is looked up there instead of on disk, one system call fewer per page
        self.present = present

    def sibling(self) -> PatchFolder:
        return type(self)(self.root, self.previous, self.present)

    holds_whole_site = False

    def take_in(self, written: list[str], changed: list[str]) -> None:
        super().take_in(written, changed)
        self._in_patch.update(changed)  # a sibling's changed files are in the patch

    def source_of(self, relative: str) -> str:
        # a file this build wrote differently is in the patch; any other is the live one
        if relative in self._in_patch:
            return self._file(relative)
        return self._previous_prefix + "/".join(_site_parts(relative))

    def made_path(self, relative: str) -> Path:
        """A tool's files wait in a folder of the patch until `adopt` moves them to their
        hashed names (the site's folders are the live output's)."""
        return Path(self.root, MADE_DIR, *_site_parts(relative))

    def adopt(self, relative: str) -> None:
        """Take in a file a tool made (made_path): dropped if the live output has the same
        bytes, else moved into the patch. A symlink the tool made is refused."""
        made = self.made_path(relative)
        if made.is_symlink() or not made.is_file():
            raise ValueError(f"{made} is not a file the tool wrote")
        data = made.read_bytes() if self.has_previous(relative) else None
        if data is not None and self._previous_copy(relative, data) is not None:
            made.unlink()  # the live file is this one
        else:
            target = self._file(relative)
            if os.path.isdir(target) and not os.path.islink(target):
                shutil.rmtree(target)
            os.replace(made, target)  # over a spare file's name, never into what it links to
            self._in_patch.add(relative)
            self.changed.append(relative)
        self.written.append(relative)

    def _file(self, relative: str) -> str:
        """Each file under a name hashed from its site path, in one of 256 folders: the patch
        makes no folder per page (the live output has them), and two page writers rarely
        contend for one folder."""
        _site_parts(relative)  # refuses a path that would land outside the output
        name = patch_name(relative)
        if not self._inside(name[:2]):
            raise ValueError(f"patch folder {self.root} holds a symlink")
        return f"{self._root_prefix}{name[:2]}/{name}"

    def _create(self, relative: str, target: str, data: bytes) -> None:
        """Overwrite the spare file at `target` if there is one that only this folder links to
        (a deploy tool may have hard-linked a published file elsewhere), else create it."""
        try:
            handle = os.open(target, os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except FileNotFoundError:
            return super()._create(relative, target, data)
        except OSError:  # a symlink (ELOOP) or a folder where a spare file should be: not ours
            if os.path.isdir(target) and not os.path.islink(target):
                shutil.rmtree(target)
            else:
                os.unlink(target)  # the link itself, never what it points to
            return super()._create(relative, target, data)
        try:
            info = os.fstat(handle)
            if stat.S_ISREG(info.st_mode) and info.st_nlink == 1:
                view = memoryview(data)
                while view:
                    view = view[os.write(handle, view):]
                os.ftruncate(handle, len(data))  # written over, then cut: its blocks are reused
                return
        finally:
            os.close(handle)
        os.unlink(target)
        super()._create(relative, target, data)

    def carry(self, relative: str) -> bool:
        if self.present is not None:
            missing = relative not in self.present
        else:
            missing = self._previous_copy(relative) is None
        if missing:
            return False  # nothing to carry (and nothing to create in the patch)
        self.written.append(relative)
        return True

    def write(self, relative: str, content: str | bytes) -> None:
        target = self._file(relative)
        data = content.encode("utf-8") if isinstance(content, str) else content
        if relative in self._in_patch:  # written before in this build (a theme file a site overrides)
            self._in_patch.remove(relative)
            self.changed.remove(relative)
        if self._previous_copy(relative, data) is None:
            self._create(relative, target, data)
            self._in_patch.add(relative)
            self.changed.append(relative)
        self.written.append(relative)


#: The folder of a patch where a tool's files wait (PatchFolder.made_path); removed once taken in.
MADE_DIR = ".made"


def spare_folder(out_dir: Path) -> Path:
    """Where the files a patch replaced wait to be written over by the next patch."""
    return out_dir.parent / f".{out_dir.name}.spare"


def list_files(root: Path) -> tuple[set[str], set[str]]:
    """The site paths under `root` of (its regular files, everything else that is not a
    folder: symlinks and such, which a patch deletes). Symlinks are not followed."""
    regular: set[str] = set()
    others: set[str] = set()

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, prefix + entry.name + "/")
                else:
                    (regular if entry.is_file(follow_symlinks=False) else others).add(prefix + entry.name)
    walk(str(root), "")
    return regular, others


@contextmanager
def patched_output(out_dir: Path, files_before: set[str] | None = None,
                   listed: tuple[set[str], set[str]] | None = None) -> Iterator[PatchFolder]:
    """Yield a patch folder for `out_dir`; on success apply it (swaps, then deletions of the
    files not written this time), on failure leave `out_dir` as it was.
    `files_before`, when the caller knows them (it wrote the output, and nothing has since),
    are the files `out_dir` holds: then only those not written again are looked at, instead
    of every folder of the site. So are the files `listed` (list_files) during this build,
    and its regular files also stand for the pages carried over, which are then not looked
    up one by one."""
    if listed is not None:
        files_before = listed[0] | listed[1]
    out_dir = out_dir.absolute()
    # The spare folder is claimed by renaming it: a build running at the same time (a
    # preview and a `build`) finds none and makes its own.
    patch = out_dir.parent / f".{out_dir.name}.patch-{os.getpid()}-spare"
    try:
        os.rename(spare_folder(out_dir), patch)
    except OSError:
        patch = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.patch-{os.getpid()}-", dir=out_dir.parent))
    try:
        folder = PatchFolder(patch, previous=out_dir, present=listed[0] if listed is not None else None)
        yield folder
    except BaseException:
        _keep_spare(patch, out_dir)  # nothing was applied: what it holds is spare
        raise
    with signals_held():
        swaps = [(os.path.join(patch, name[:2], name), os.path.join(out_dir, *_site_parts(relative)))
                 for relative in folder.changed for name in (patch_name(relative),)]
        if len(swaps) < PARALLEL_SWAPS:
            _swap_all(swaps)
        else:
            # Two threads: a swap is two system calls, and the interpreter is let go during each,
            # so a template edit's 8,400 swaps take half the time. (Signals stay held in them,
            # as threads inherit the mask.)
            with ThreadPoolExecutor(2) as pool:
                list(pool.map(_swap_all, (swaps[0::2], swaps[1::2])))  # (raises what a swap raised)
        if files_before is None:
            _delete_all_but(out_dir, set(folder.written))
        else:
            _delete_files(out_dir, files_before.difference(folder.written))
    _keep_spare(patch, out_dir)


#: From this many changed files on, a patch is applied by two threads.
PARALLEL_SWAPS = 1000


def _swap_all(swaps: list[tuple[str, str]]) -> None:
    for new, live in swaps:
        _swap_in(new, live)


def _keep_spare(patch: Path, out_dir: Path) -> None:
    shutil.rmtree(patch / MADE_DIR, ignore_errors=True)  # what a failed build's tool left
    try:
        os.rename(patch, spare_folder(out_dir))
    except OSError:  # another build put its spare folder back first
        delete_in_background(patch, out_dir)


_libc = None


def _swap_in(new: str, live: str) -> None:
    """Put the file `new` at `live`, and the file it replaces at `new` (Linux's atomic
    RENAME_EXCHANGE); where that is not possible, move `new` over `live`."""
    global _libc
    if _libc is None:
        try:
            _libc = ctypes.CDLL(None, use_errno=True).renameat2
        except (AttributeError, OSError):
            _libc = False
    if _libc and _libc(AT_FDCWD, os.fsencode(new), AT_FDCWD, os.fsencode(live), RENAME_EXCHANGE) == 0:
        if stat.S_ISREG(os.lstat(new).st_mode):
            return
        # the output had something else there (a folder): swap back, and replace it as before
        _libc(AT_FDCWD, os.fsencode(new), AT_FDCWD, os.fsencode(live), RENAME_EXCHANGE)
    try:
        os.replace(new, live)
    except FileNotFoundError:  # a new page's folder
        os.makedirs(os.path.dirname(live), exist_ok=True)
        os.replace(new, live)


AT_FDCWD = -100
RENAME_EXCHANGE = 2


def patch_name(relative: str) -> str:
    """A patch file's name: its site path, hashed (a path may be longer than a file name)."""
    return hashlib.blake2b(relative.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while a patch is moved into the output, so that neither leaves
    it half applied; they take effect right after. (Only the main thread can hold them.)"""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _delete_files(root: Path, relatives: set[str]) -> None:
    """Delete these files under `root`, and the folders they leave empty."""
    folders = set()
    for relative in relatives:
        parts = _site_parts(relative)
        try:
            os.unlink(os.path.join(root, *parts))
        except FileNotFoundError:
            pass
        folders.update("/".join(parts[:n]) for n in range(1, len(parts)))
    for folder in sorted(folders, key=lambda f: -f.count("/")):  # the deepest first
        try:
            os.rmdir(os.path.join(root, folder))
        except OSError:  # not empty (or gone)
            pass


def _delete_all_but(root: Path, keep: set[str], prefix: str = "") -> bool:
    """Delete every file under `root` whose site path is not in `keep`, and the folders left
    empty; True if `root` itself is left empty."""
    empty = True
    with os.scandir(root) as entries:
        for entry in entries:
            relative = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                if _delete_all_but(Path(entry.path), keep, relative + "/"):
                    os.rmdir(entry.path)
                else:
                    empty = False
            elif relative in keep:
                empty = False
            else:
                os.unlink(entry.path)
    return empty


@contextmanager
def staged_output(out_dir: Path) -> Iterator[OutputFolder]:
    """Yield a staging folder; on success it becomes `out_dir`, on any failure it is removed
    and `out_dir` is left exactly as it was."""
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    # the pid in the name lets a later build tell a dead build's leftovers from a live one's
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-{os.getpid()}-", dir=out_dir.parent))
    try:
        yield OutputFolder(staging, previous=out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    os.chmod(staging, 0o755)  # mkdtemp makes it private; a web server must read it
    retired = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
    replacing = out_dir.exists()
    if replacing:
        os.replace(out_dir, retired)
    os.replace(staging, out_dir)
    if replacing:
        delete_in_background(retired, out_dir)


def delete_in_background(retired: Path, out_dir: Path) -> None:
    """Delete the replaced output (or an applied patch's empty folders) in a detached process, so the build is done when the new site
    is in place. Deleting a site's tree is slow on some disks (25,000 files and 8,000 folders
    take 10 s on a VM disk mounted with `discard`, longer than rendering them), and nothing
    waits for it. The folder is first renamed `.public.trash-PID`, PID being the deleter's,
    so a later build can tell a live deletion (left alone) from a dead one (finished by that
    build), and a retired folder is never mistaken for the previous site to put back."""
    _running_deleters[:] = [d for d in _running_deleters if d.poll() is None]  # reap the finished
    try:
        deleter = subprocess.Popen(
            [sys.executable, "-c", _DELETER], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)
    except OSError:
        shutil.rmtree(retired, ignore_errors=True)
        return
    # kept, so it is reaped (and not reported as a leak) however long it runs
    _running_deleters.append(deleter)
    trash = out_dir.parent / f".{out_dir.name}.trash-{deleter.pid}"
    try:
        os.replace(retired, trash)
        assert deleter.stdin is not None
        deleter.stdin.write(os.fsencode(trash))
        deleter.stdin.close()
    except OSError:
        deleter.kill()
        shutil.rmtree(trash if trash.exists() else retired, ignore_errors=True)


_running_deleters: list[subprocess.Popen] = []
#: The deleter: it reads the folder's path from its standard input (nothing, when the build
#: died before handing it over) and deletes it at low priority.
_DELETER = """
import os, shutil, sys
path = sys.stdin.buffer.read()
if path:
    os.nice(10)
    shutil.rmtree(os.fsdecode(path), ignore_errors=True)
"""


def retired_outputs(out_dir: Path) -> list[Path]:
    """Replaced outputs still being deleted (or left by a deleter that died)."""
    out_dir = out_dir.absolute()
    return sorted(out_dir.parent.glob(f".{out_dir.name}.trash-*"))


def remove_stale_staging(out_dir: Path) -> None:
    """Staging folders left by a build that was killed. A build killed between its two renames
    leaves no output but the retired one: that is the previous site, so it is put back."""
    out_dir = out_dir.absolute()
    retired = sorted(out_dir.parent.glob(f".{out_dir.name}.old-*"), key=lambda p: p.stat().st_mtime)
    if retired and not out_dir.exists():
        os.replace(retired.pop(), out_dir)
    for leftover in retired:
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in [*out_dir.parent.glob(f".{out_dir.name}.staging-*"),
                     *out_dir.parent.glob(f".{out_dir.name}.patch-*"), *retired_outputs(out_dir)]:
        if not _owner_is_alive(leftover.name):
            shutil.rmtree(leftover, ignore_errors=True)


def _owner_is_alive(name: str) -> bool:
    """Whether the process that made this staging, patch or trash folder
    (".public.staging-PID-xxxx", ".public.patch-PID-xxxx", ".public.trash-PID") still runs."""
    found = re.search(r"\.(?:staging|patch|trash)-(\d+)(?:-|$)", name)
    if found is None or int(found[1]) == os.getpid():
        return False
    try:
        os.kill(int(found[1]), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_site(root: Path, out_dir: Path | None = None) -> list[Path]:
    """Delete the NLP cache and the built site (and any staging leftovers); returns what went.
    Refuses a folder that is not a Gloss site, so a mistyped path deletes nothing."""
    from .cache import CACHE_DIR_NAME
    from .errors import Diagnostic, UserError
    if not (root / "site.toml").is_file():
        raise UserError(Diagnostic(root, None, "not a Gloss site (no site.toml); nothing deleted"))
    out_dir = out_dir or root / "public"
    remove_stale_staging(out_dir)
    removed = []
    spare = spare_folder(out_dir.absolute())
    if spare.is_dir():
        shutil.rmtree(spare)
    for folder in (root / CACHE_DIR_NAME, out_dir):
        if folder.is_dir():
            shutil.rmtree(folder)
            removed.append(folder)
    return removed
