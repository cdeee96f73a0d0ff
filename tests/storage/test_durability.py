"""Every save the store acknowledged survives a kill -9 of the process that made it."""

import json
import signal
import subprocess
import sys
import threading

from planner.store import Store

PLAN_OF = """
def plan(i):
    request = {"i": i, "runs": [{"day": "tue", "minutes": 30 + i % 60}], "note": "ä" * (i % 7)}
    return request, {"days": [{"items": list(range(i % 13))}], "i": i}, {f"item{i}": f"print{i}"}
"""

WRITER = PLAN_OF + """
import sys
from planner.store import Store

store = Store(sys.argv[1])
i = 0
while True:
    saved = store.save(*plan(i))
    print(i, saved.token, flush=True)
    i += 1
"""

ACKS_BEFORE_KILL = 100


def plan(i):
    namespace: dict = {}
    exec(PLAN_OF, namespace)
    return namespace["plan"](i)


def test_every_acknowledged_save_survives_a_kill_9_of_the_writer(db_url, subprocess_env, tmp_path):
    writer = subprocess.Popen([sys.executable, "-c", WRITER, db_url], cwd=tmp_path, env=subprocess_env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(60, writer.kill)  # never hang the suite if the writer stalls
    watchdog.start()
    try:
        acked = []
        while len(acked) < ACKS_BEFORE_KILL and (line := writer.stdout.readline()):
            acked.append(line)
        writer.send_signal(signal.SIGKILL)
        rest, errors = writer.communicate(timeout=30)
    finally:
        watchdog.cancel()
    assert writer.returncode == -signal.SIGKILL, errors
    acked += [line for line in rest.splitlines(keepends=True) if line.endswith("\n")]  # still in the pipe
    assert len(acked) >= ACKS_BEFORE_KILL, errors

    with Store(db_url) as store:
        for line in acked:
            i, token = line.split()
            request, plan_, prints = plan(int(i))
            saved = store.get(token)
            assert saved is not None, f"acknowledged save {i} was lost"
            assert json.dumps(saved.request, sort_keys=True) == json.dumps(request, sort_keys=True)
            assert (saved.plan, saved.fingerprints, saved.sequences) == (plan_, prints, {f"item{i}": 0})
