#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge a test boot: the guest's TAP result channel and its console log.

The result channel holds one kselftest runner.sh stream per suite
("# suite: NAME", "TAP version 13", "1..N", "ok/not ok ..."), with each
program's own TAP nested behind "# ". A program that prints TAP counts
its cases; one that does not counts as one case.

Fails (exit 1) on: any failed case not listed in the expectations file, an
expected failure that now passes (the file must shrink as things are
fixed), a program that exits non-zero, planned cases that never ran, a
missing end marker, and any kernel splat in the console log.
"""
import argparse
import re
import sys

SPLATS = [
    r'BUG: ', r'WARNING: ', r'Oops', r'KASAN', r'UBSAN', r'kernel BUG at',
    r'general protection fault', r'Kernel panic', r'possible recursive locking',
    r'possible circular locking', r'inconsistent lock state', r'lock held when returning',
    r'suspicious RCU usage',
    r'detected stalls', r'rcu_.*self-detected stall', r'soft lockup',
    r'hard LOCKUP', r'blocked for more than', r'Call Trace:', r'list_add corruption',
    r'list_del corruption', r'Bad page', r'bad pmd', r'bad pte', r'segfault at .* in init',
]
SPLAT_RE = re.compile('|'.join(SPLATS))
# kselftest prints a skip with no description before the directive:
# "ok 18 # SKIP reason" - the reason is then the description.
RESULT_RE = re.compile(r'^(ok|not ok) (\d+)(?: (.*?))??(?:\s*#\s*(SKIP|TODO|TIMEOUT|exit=\S+)(.*))?$')
PLAN_RE = re.compile(r'^1\.\.(\d+)')
UNIT_RE = re.compile(r'^Testing (.+?)\.\.\. ?(.*)$')
UNIT_END_RE = re.compile(r'^(done|skipped|failed)\b')


def load_expectations(path):
    exp = {}
    try:
        with open(path) as f:
            for line in f:
                line = line.split('#', 1)
                body, reason = line[0].strip(), (line[1].strip() if len(line) > 1 else '')
                if not body:
                    continue
                prog, _, case = body.partition(':')
                exp[(prog.strip(), case.strip())] = reason
    except FileNotFoundError:
        pass
    return exp


def fixed_plans(exp):
    """"prog: plan=N" lines give the plan of a program that may bail out
    before printing its own (pagemap_ioctl exits with a pass and no plan
    when the kernel lacks what it tests)."""
    plans = {}
    for (prog, case) in list(exp):
        if case.startswith('plan='):
            plans[prog] = int(case[5:])
            del exp[(prog, case)]
    return plans


class Program:
    def __init__(self, suite, name):
        self.suite, self.name = suite, name
        self.cases = []         # (result, description, directive)
        self.plan = None
        self.result = None


def parse(path):
    programs, suite, cur, ended, header = [], None, None, False, []
    with open(path, errors='replace') as f:
        for raw in f:
            line = raw.rstrip('\r\n')
            if line.startswith('# kst: end of tests'):
                ended = True
                continue
            if line.startswith('# suite: '):
                suite = line[9:].strip()
                continue
            if line.startswith('# kernel:'):
                header.append(line[2:])
            m = re.match(r'^# selftests: [^:]+: (\S+)$', line)
            if m:
                cur = Program(suite, m.group(1))
                programs.append(cur)
                continue
            if line.startswith('# ') and cur is not None:
                inner = line[2:]
                # uffd-unit-tests' own format: "Testing NAME... done|skipped|failed"
                m = UNIT_RE.match(inner)
                if m:
                    cur.pending = m.group(1)
                    inner = m.group(2)
                if getattr(cur, 'pending', None):
                    m = UNIT_END_RE.match(inner)
                    if m:
                        res = {'done': ('ok', ''), 'skipped': ('ok', 'SKIP'),
                               'failed': ('not ok', '')}[m.group(1)]
                        cur.cases.append((res[0], cur.pending, res[1]))
                        cur.pending = None
                        continue
                m = PLAN_RE.match(inner)
                if m and cur.plan is None:
                    cur.plan = int(m.group(1))
                    continue
                m = RESULT_RE.match(inner)
                if m:
                    desc = (m.group(3) or '').strip() or (m.group(5) or '').strip()
                    cur.cases.append((m.group(1), desc, (m.group(4) or '')))
                continue
            m = RESULT_RE.match(line)
            if m and cur is not None:
                res, directive = m.group(1), m.group(4) or ''
                cur.result = 'skip' if directive == 'SKIP' else ('pass' if res == 'ok' else
                                                                 'fail (%s%s)' % (directive, m.group(5) or ''))
                cur = None
    return programs, ended, header


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('ktap')
    ap.add_argument('--console')
    ap.add_argument('--expect', default='')
    args = ap.parse_args()

    exp = load_expectations(args.expect)
    plans = fixed_plans(exp)
    used = set()
    programs, ended, header = parse(args.ktap)
    for p in programs:
        if p.name in plans:
            p.plan = plans[p.name]
    npass = nfail = nskip = nxfail = 0
    problems = []
    for line in header:
        print(line)
    for p in programs:
        tag = '%s/%s' % (p.suite, p.name)
        cp = sum(1 for c in p.cases if c[0] == 'ok' and c[2] != 'SKIP')
        cs = sum(1 for c in p.cases if c[2] == 'SKIP')
        cf = 0
        for res, desc, directive in p.cases:
            if res != 'not ok':
                if (p.name, desc) in exp:
                    used.add((p.name, desc))
                    problems.append('%s: "%s" passes but is listed as an expected failure' % (tag, desc))
                    nfail += 1
                continue
            key = (p.name, desc) if (p.name, desc) in exp else (p.name, '*')
            if key in exp:
                used.add(key)
                nxfail += 1
                print('  XFAIL %s: %s  # %s' % (tag, desc, exp[key]))
            else:
                cf += 1
                print('  FAIL  %s: %s %s' % (tag, desc, directive))
        missing = (p.plan - len(p.cases)) if p.plan is not None else 0
        if missing > 0:
            key = (p.name, 'not run') if (p.name, 'not run') in exp else (p.name, '*')
            if key in exp:
                used.add(key)
                nxfail += missing
                print('  XFAIL %s: %d of %d planned cases did not run  # %s' % (tag, missing, p.plan, exp[key]))
            else:
                cf += missing
                problems.append('%s: %d of %d planned cases did not run' % (tag, missing, p.plan))
        elif (p.name, 'not run') in exp:
            used.add((p.name, 'not run'))
            problems.append('%s: all cases ran but "not run" is listed as expected' % tag)
            nfail += 1
        if not p.cases and p.plan is None:
            # A program without TAP of its own is one case.
            if p.result == 'pass':
                cp = 1
            elif p.result == 'skip':
                cs = 1
            else:
                cf = 1
        elif p.result is None:
            problems.append('%s: program did not finish' % tag)
            cf += 1
        elif p.result.startswith('fail') and (p.name, '*') in exp:
            used.add((p.name, '*'))
        elif p.result.startswith('fail') and not any(c[0] == 'not ok' for c in p.cases):
            # A program that fails with no failed case hides something.
            problems.append('%s: program %s with no failed case' % (tag, p.result))
            cf += 1
        npass, nfail, nskip = npass + cp, nfail + cf, nskip + cs
        plan = ' of %d planned' % p.plan if p.plan is not None else ''
        label = 'ok' if cf == 0 and (p.result in ('pass', 'skip') or p.cases) else 'FAIL'
        if label == 'FAIL' and cf == 0 and (p.name, '*') in exp:
            label = 'XFAIL'
        print('%-5s %-40s %d passed, %d failed, %d skipped%s' % (
            label,
            tag, cp, cf, cs, plan))
    ran = {p.name for p in programs}
    for key in sorted(set(exp) - used):
        if key[0] not in ran:
            continue
        problems.append('expectation "%s: %s" matched nothing (remove it)' % key)
        nfail += 1
    if not ended:
        problems.append('no end-of-tests marker: the guest crashed, hung or was cut off')
        nfail += 1
    if args.console:
        splats = []
        try:
            with open(args.console, errors='replace') as f:
                for n, line in enumerate(f, 1):
                    if SPLAT_RE.search(line):
                        splats.append('%s:%d: %s' % (args.console, n, line.rstrip()))
        except FileNotFoundError:
            splats.append('no console log at %s' % args.console)
        if splats:
            problems.append('kernel splat in the console log:\n    ' + '\n    '.join(splats[:20]))
            nfail += 1
    for pr in problems:
        print('PROBLEM: ' + pr)
    if nxfail:
        print('%d expected failures (tools/peer/expected-failures)' % nxfail)
    print('%d passed, %d failed, %d skipped' % (npass, nfail, nskip))
    return 1 if nfail or problems else 0


if __name__ == '__main__':
    sys.exit(main())
