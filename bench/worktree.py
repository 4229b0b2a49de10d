"""The baseline side of an A/B run: commit ``REV`` checked out as a git worktree in a temporary folder,
ready to run (its English catalogues compiled), and always removed afterwards, on Ctrl-C or failure too.

``baseline_tree("e3bdc8f")`` yields a ``Tree``; ``git worktree remove --force`` then ``git worktree prune``
leave no trace in the repository. The tree runs on this checkout's ``.venv`` Python: a commit whose
requirements differ from today's is measured with today's packages. The browser and node parts are not
set up (no benchmark uses them).
"""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from chassis.config import REPO_ROOT


@dataclass(frozen=True)
class Tree:
    label: str   # what the tables call it: a short commit, or "working tree"
    path: Path


def git(*args: str, cwd: Path = REPO_ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()


def short_commit(rev: str) -> str:
    """The short hash of ``rev``; a ValueError naming it when git does not know it."""
    try:
        return git("rev-parse", "--short", f"{rev}^{{commit}}")
    except subprocess.CalledProcessError as error:
        raise ValueError(f"git does not know the commit {rev!r}: {error.stderr.strip()}") from None


def working_tree() -> Tree:
    """This checkout, labelled with its commit and whether files differ from it."""
    changed = " + changes" if git("status", "--porcelain", "--untracked-files=no") else ""
    return Tree(f"working tree ({git('rev-parse', '--short', 'HEAD')}{changed})", REPO_ROOT)


@contextlib.contextmanager
def baseline_tree(rev: str):
    commit = short_commit(rev)
    folder = Path(tempfile.mkdtemp(prefix=f"guichet-bench-{commit}-"))
    path = folder / "tree"
    try:
        git("worktree", "add", "--detach", str(path), commit)
        print(f"  {commit}: worktree at {path}", file=sys.stderr, flush=True)
        compile_catalogues(path)
        yield Tree(commit, path)
    finally:
        with _uninterrupted():
            remove(path)


def remove(path: Path) -> None:
    subprocess.run(["git", "worktree", "remove", "--force", str(path)], cwd=REPO_ROOT, capture_output=True)
    shutil.rmtree(path.parent, ignore_errors=True)
    subprocess.run(["git", "worktree", "prune"], cwd=REPO_ROOT, capture_output=True)


def compile_catalogues(tree: Path) -> None:
    """``.mo`` files are not in git: without them the tree's processes would speak French only. A commit from
    before the catalogues has nothing to compile."""
    if not (tree / "chassis" / "i18n_catalogues.py").exists():
        return
    subprocess.run([sys.executable, "-m", "chassis.i18n_catalogues", "compile"], cwd=tree,
                   env=tree_environment(tree), check=True, capture_output=True)


def tree_environment(tree: Path) -> dict[str, str]:
    """The environment of a process that runs ``tree``'s code: its imports resolve in that tree only."""
    return {**os.environ, "PYTHONPATH": str(tree)}


@contextlib.contextmanager
def _uninterrupted():
    """A second Ctrl-C (or a SIGTERM) during the clean-up would leave the worktree behind: held off until done."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.signal(number, signal.SIG_IGN) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
