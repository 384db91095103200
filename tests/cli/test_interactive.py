"""The interactive first run, typed into a real pseudo-terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pexpect = pytest.importorskip("pexpect")


def test_boo_init_asks_for_each_field_on_a_terminal(url, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOO_")}
    env.update(
        BOO_HOME=str(tmp_path / "home"),
        BOO_KEYRING="file",
        TERM="xterm",
        NO_COLOR="1",
        PROMPT_TOOLKIT_NO_CPR="1",
    )
    child = pexpect.spawn(
        sys.executable,
        ["-m", "boo_cli", "--db", url, "init"],
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 120),
    )
    answers = [
        ("Email", "pty@example.com"),
        ("First name", "Petra"),
        ("Last name", "Tty"),
        ("Time zone", None),  # replace the suggested zone
        ("Password:", "long enough secret"),
        ("Password again", "long enough secret"),
        ("Name of your business", "Terminal Tea"),
    ]
    for prompt, answer in answers:
        child.expect(prompt)
        if answer is None:
            child.send("\x15")  # Ctrl-U clears the default
            child.sendline("Asia/Tokyo")
        else:
            child.sendline(answer)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    shown = subprocess.run(
        [sys.executable, "-m", "boo_cli", "--db", url, "--json", "user", "whoami"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    me = json.loads(shown.stdout)
    assert (me["email"], me["first_name"], me["timezone"]) == ("pty@example.com", "Petra", "Asia/Tokyo")
    profiles = subprocess.run(
        [sys.executable, "-m", "boo_cli", "--db", url, "--json", "profile", "list"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert [p["business_name"] for p in json.loads(profiles.stdout)] == ["Terminal Tea"]
