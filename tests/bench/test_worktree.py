"""The baseline tree of ``python -m bench --compare REV``: a worktree ready to run, gone afterwards."""
from __future__ import annotations

import pytest

from bench.worktree import baseline_tree, git, short_commit


def listed_worktrees() -> str:
    return git("worktree", "list", "--porcelain")


def test_the_tree_of_a_commit_is_checked_out_with_its_catalogues_compiled_then_removed():
    commit = short_commit("HEAD")
    with baseline_tree("HEAD") as tree:
        assert tree.label == commit
        assert git("rev-parse", "--short", "HEAD", cwd=tree.path) == commit
        assert (tree.path / "bench" / "__main__.py").exists()
        assert (tree.path / "chassis" / "translations" / "en" / "LC_MESSAGES" / "messages.mo").stat().st_size > 0
        assert str(tree.path) in listed_worktrees()
        path = tree.path
    assert not path.exists()
    assert not path.parent.exists()
    assert str(path) not in listed_worktrees()


def test_the_tree_is_removed_when_the_run_fails():
    with pytest.raises(RuntimeError, match="a side failed"), baseline_tree("HEAD") as tree:
        path = tree.path
        (path / "bench" / "__main__.py").write_text("changed, as an older harness is replaced\n")
        raise RuntimeError("a side failed")
    assert not path.parent.exists()
    assert str(path) not in listed_worktrees()


def test_an_unknown_commit_is_named():
    with pytest.raises(ValueError, match="git does not know the commit 'no-such-commit'"):
        short_commit("no-such-commit")
