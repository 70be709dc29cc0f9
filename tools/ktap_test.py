#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tests of tools/ktap.py, on which make check's verdict rests.

Each case is a recorded-style result channel (and console) and the
verdict ktap.py must give: its last line and its exit code.

  tools/ktap_test.py      prints "ktap.py: N of N cases" and exits 1 on a miss
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
END = "# kst: end of tests\n"


def prog(name, body, result="ok 1"):
    lines = "".join("# " + l + "\n" for l in body.strip("\n").split("\n")) if body else ""
    return f"# selftests: series: {name}\n{lines}" + (f"{result} selftests: series: {name}\n" if result else "")


def head(n):
    return f"# kernel: 6.1.192 test\n# suite: series\nTAP version 13\n1..{n}\n"


CASES = [
    ("all pass", head(1) + prog("a", "TAP version 13\n1..2\nok 1 one\nok 2 two") + END, "",
     "2 passed, 0 failed, 0 skipped", 0),
    ("a failing case", head(1) + prog("a", "1..2\nok 1 one\nnot ok 2 two", "not ok 1") + END, "",
     "1 passed, 1 failed, 0 skipped", 1),
    ("kselftest skip without description",
     head(1) + prog("a", "1..2\nok 1 one\nok 2 # SKIP no io_uring") + END, "",
     "1 passed, 0 failed, 1 skipped", 0),
    ("skip with description", head(1) + prog("a", "1..1\nok 1 hugetlb # SKIP none") + END, "",
     "0 passed, 0 failed, 1 skipped", 0),
    # 2 cases that never ran, and a failed program with no failed case
    ("planned cases that never ran", head(1) + prog("a", "1..3\nok 1 one", "not ok 1") + END, "",
     "1 passed, 3 failed, 0 skipped", 1),
    ("program without a plan that dies mid-way",
     head(1) + prog("a", "ok 1 one", result="") + END, "",
     "1 passed, 1 failed, 0 skipped", 1),
    ("failed program with no failed case", head(1) + prog("a", "1..1\nok 1 one", "not ok 1 # exit=1") + END,
     "", "1 passed, 1 failed, 0 skipped", 1),
    ("program without TAP that passes", head(1) + prog("a", "") + END, "",
     "1 passed, 0 failed, 0 skipped", 0),
    ("timeout of a program", head(1) + prog("a", "1..1\nok 1 one", "not ok 1 # TIMEOUT 600 seconds") + END,
     "", "1 passed, 1 failed, 0 skipped", 1),
    # a case that never ran, a program that never finished, and no end marker
    ("hang: no end-of-tests marker", head(1) + prog("a", "1..2\nok 1 one", result=""), "",
     "1 passed, 3 failed, 0 skipped", 1),
    ("uffd-unit-tests' own format",
     head(1) + prog("uffd-unit-tests", "Testing wp-fork on anon... done\nTesting poison on anon... skipped [reason: x]\n"
                    "Testing move on anon... failed [reason: y]", "not ok 1") + END, "",
     "1 passed, 1 failed, 1 skipped", 1),
]
SPLATS = [
    "BUG: KASAN: slab-use-after-free in foo+0x1/0x2",
    "WARNING: CPU: 1 PID: 2 at mm/memory.c:1 foo",
    "kernel BUG at mm/huge_memory.c:2000!",
    "general protection fault, probably for non-canonical address",
    "Kernel panic - not syncing: panic_on_warn set",
    "WARNING: possible circular locking dependency detected",
    "WARNING: possible recursive locking detected",
    "WARNING: inconsistent lock state",
    "WARNING: suspicious RCU usage",
    "rcu: INFO: rcu_preempt self-detected stall on CPU",
    "watchdog: BUG: soft lockup - CPU#0 stuck for 22s!",
    "INFO: task foo:12 blocked for more than 60 seconds.",
    "UBSAN: shift-out-of-bounds in mm/foo.c:1:2",
    "BUG: Bad page state in process foo  pfn:12345",
    "BUG: Bad rss-counter state mm:0000 type:MM_ANONPAGES val:1",
    "list_add corruption. prev->next should be next",
]
for s in SPLATS:
    CASES.append(("splat: " + s[:40], head(1) + prog("a", "1..1\nok 1 one") + END,
                  "[    1.0] " + s + "\n", None, 1))


def main():
    ok = 0
    with tempfile.TemporaryDirectory() as d:
        for name, ktap, console, want_last, want_rc in CASES:
            kp, cp, ep = (os.path.join(d, x) for x in ("ktap", "console", "expect"))
            with open(kp, "w") as f:
                f.write(ktap)
            with open(cp, "w") as f:
                f.write("Linux version 6.1.192\n" + console)
            open(ep, "w").close()
            r = subprocess.run([sys.executable, os.path.join(HERE, "ktap.py"), "--console", cp,
                                "--expect", ep, kp], capture_output=True, text=True)
            last = r.stdout.strip().split("\n")[-1] if r.stdout.strip() else ""
            good = r.returncode == want_rc and (want_last is None or last == want_last)
            if want_last is None and "kernel splat" not in r.stdout:
                good = False
            if good:
                ok += 1
            else:
                print(f"ktap.py: MISS {name}: rc {r.returncode} (want {want_rc}), last line "
                      f"{last!r} (want {want_last!r})\n{r.stdout}{r.stderr}")
    print(f"ktap.py: {ok} of {len(CASES)} cases")
    return 0 if ok == len(CASES) else 1


if __name__ == "__main__":
    sys.exit(main())
