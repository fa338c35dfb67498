#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Run fwboot's QEMU boot tests: every function test_* in tests/boot/test_*.py.

usage: run.py [-j N] [-l] [FILTER ...]

A FILTER selects tests whose full name (module.function, e.g.
test_mb1.test_elf32) contains it; several filters select the union.
-j N runs N tests at a time (each test is one or a few QEMU processes; the
output order stays the same). -l lists the tests without running them.

Prints "PASS name", "SKIP name: reason" or "FAIL name: reason" (followed by
the failing boot's command and console tail, indented), then exactly
"boot: N passed, M failed"; exits with 1 if anything failed.
"""

import concurrent.futures
import importlib
import inspect
import os
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import harness  # noqa: E402  (needs the path above)


def discover():
    """[(full name, function)] in file order, then definition order."""
    tests = []
    for fn in sorted(os.listdir(HERE)):
        if not (fn.startswith('test_') and fn.endswith('.py')):
            continue
        modname = fn[:-3]
        mod = importlib.import_module(modname)
        funcs = [(f.__code__.co_firstlineno, name, f)
                 for name, f in vars(mod).items()
                 if name.startswith('test_') and inspect.isfunction(f)
                 and f.__module__ == modname]
        for _, name, f in sorted(funcs, key=lambda t: t[0]):
            tests.append(('%s.%s' % (modname, name), f))
    return tests


def indent(text, prefix='    '):
    return '\n'.join(prefix + line for line in text.splitlines())


def run_one(name, func):
    """Run one test; return (verdict, reason, details)."""
    harness.begin_test(name)
    try:
        func()
        return 'PASS', '', ''
    except harness.Skip as e:
        return 'SKIP', str(e), ''
    except harness.TestFailure as e:
        reason = str(e)
        tb = ''
    except Exception as e:  # a bug in the test itself: show where
        reason = '%s: %s' % (type(e).__name__, e)
        tb = traceback.format_exc()
    finally:
        ctx = harness.end_test()

    details = []
    if tb:
        details.append(indent(tb.rstrip()))
    if ctx and ctx.boots:
        last = ctx.boots[-1]
        details.append('    command: ' + last.command_line())
        details.append('    status: %r%s' % (last.status, ' (hang)' if last.hang else ''))
        if last.stderr.strip():
            details.append('    qemu stderr:')
            details.append(indent('\n'.join(last.stderr.strip().splitlines()[-10:]), '      '))
        if last.console:
            details.append('    console tail:')
            details.append(indent(last.tail(30), '      | '))
        else:
            details.append('    console: (empty)')
    return 'FAIL', reason, '\n'.join(details)


def main(argv):
    jobs = 1
    listing = False
    filters = []
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == '-j' and args:
            jobs = max(1, int(args.pop(0)))
        elif a.startswith('-j') and a[2:].isdigit():
            jobs = max(1, int(a[2:]))
        elif a == '-l':
            listing = True
        elif a in ('-h', '--help'):
            print(__doc__.strip())
            return 0
        else:
            filters.append(a)

    tests = discover()
    if filters:
        tests = [(n, f) for n, f in tests if any(flt in n for flt in filters)]
    if filters and not tests:
        print('run.py: no test name contains %s' % ' or '.join(filters), file=sys.stderr)
    if listing:
        for n, _ in tests:
            print(n)
        return 0

    passed = failed = skipped = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [(n, pool.submit(run_one, n, f)) for n, f in tests]
        for n, fut in futures:
            verdict, reason, details = fut.result()
            if verdict == 'PASS':
                passed += 1
                print('PASS %s' % n)
            elif verdict == 'SKIP':
                skipped += 1
                print('SKIP %s: %s' % (n, reason))
            else:
                failed += 1
                print('FAIL %s: %s' % (n, reason))
                if details:
                    print(details)
            sys.stdout.flush()
    if skipped:
        print('boot: %d skipped' % skipped)
    print('boot: %d passed, %d failed' % (passed, failed))
    return 1 if failed or (filters and not tests) else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
