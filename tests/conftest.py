"""Shared fixtures: the real spaCy model (loaded once per session), throwaway sites on disk,
and the sample site built once at the root, once under a sub-path and once more under it with
its search index in shards."""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def nlp():
    from builder.nlp import load_model, resolve_model
    return load_model(resolve_model("en_core_web_sm"))


def deletions_done(out_dir: Path, timeout: float = 60.0) -> None:
    """Wait until the outputs earlier builds replaced are deleted (that runs in the background,
    see builder.output.delete_in_background)."""
    import time
    from builder.output import retired_outputs
    deadline = time.monotonic() + timeout
    while retired_outputs(out_dir):
        assert time.monotonic() < deadline, f"still deleting {retired_outputs(out_dir)}"
        time.sleep(0.05)


def write_site(root: Path, files: dict[str, str]) -> Path:
    """Create a site folder from {relative path: text}; text is dedented."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def make_site(tmp_path):
    def make(files: dict[str, str], name: str = "site") -> Path:
        return write_site(tmp_path / name, files)
    return make


def copy_sample_site(destination: Path) -> Path:
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "site.toml", destination / "site.toml")
    shutil.copytree(REPO / "content", destination / "content")
    shutil.copytree(REPO / "data", destination / "data")
    return destination


def _build_sample(tmp_path_factory, base_url: str | None):
    from builder.build import BuildOptions, build
    root = copy_sample_site(tmp_path_factory.mktemp("sample"))
    return build(BuildOptions(root=root, base_url=base_url))


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """The repository's sample site, built at the root of a domain."""
    return _build_sample(tmp_path_factory, "https://example.org/")


@pytest.fixture(scope="session")
def subpath_build(tmp_path_factory):
    """The sample site built for a GitHub Pages project sub-path."""
    return _build_sample(tmp_path_factory, "https://someone.github.io/my-site/")


#: Indexed pages per search shard in `sharded_subpath_build`: the sample site's 45 pages
#: make several bundles.
TEST_SHARD_PAGES = 10


@pytest.fixture(scope="session")
def sharded_subpath_build(tmp_path_factory):
    """The sample site under a sub-path with a tiny search shard size, so that its search index
    is in several bundles the search page merges (builder/search.py)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("builder.search.SHARD_PAGES", TEST_SHARD_PAGES)
        patch.setattr("builder.search.SINGLE_RUN_BYTES", 0)  # the sample site is light
        return _build_sample(tmp_path_factory, "https://someone.github.io/my-site/")
