"""The secret key kept in instance/: made once, private, and the same for every process that
starts at the same time (gunicorn's workers and the notices sender)."""

import os
import stat
import subprocess
import sys
from pathlib import Path

from council import config

ROOT = Path(__file__).resolve().parents[1]


def test_a_new_instance_gets_a_private_key_that_stays(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config._secret_key(tmp_path)
    assert len(first) >= 48
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    assert config._secret_key(tmp_path) == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]


def test_a_key_written_by_another_process_meanwhile_wins(tmp_path, monkeypatch):
    """The other process creates the file between this one's check and its own write."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    (tmp_path / "secret_key").write_text("theirs\n")
    real_exists = Path.exists
    monkeypatch.setattr(
        Path, "exists", lambda self: False if self.name == "secret_key" else real_exists(self)
    )
    assert config._secret_key(tmp_path) == "theirs"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]


def test_processes_starting_together_share_one_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    code = "import sys; from pathlib import Path; from council.config import _secret_key; "
    code += "print(_secret_key(Path(sys.argv[1])))"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(tmp_path)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    results = [p.communicate(timeout=60) for p in processes]
    assert [p.returncode for p in processes] == [0] * 8, [err for _, err in results]
    keys = {out.strip() for out, _ in results}
    assert keys == {(tmp_path / "secret_key").read_text().strip()}
