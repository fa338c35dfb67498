#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""fwboot's own work stays within its budget: the guest instructions from
fwboot's first instruction to the payload's entry, counted by the TCG
plugin bench/phases.c (exact: they do not depend on the host or its load),
for the reference boots with the test payloads of build/kernels (no
download): the test bzImage with a 1 MiB initrd (the Linux boot) and the
Multiboot 1 test kernel with a 1 MiB module, each with the default console
and with `quiet`. Each boot stops at the payload's entry: a second or two.

A change that makes fwboot do more before a boot fails here with the
profile of where the instructions went; raise a budget in the commit that
needs the room, and say why (as the image's SIZE_BUDGET).

Prints "PASS name: N of BUDGET instructions (port I/O P)" per boot, then
"budget: N passed, M failed"; exits 1 if anything failed.
"""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'bench'))
import insns as prof  # noqa: E402  (bench/insns.py)

# (payload, quiet): instructions from _start to the entry, as measured
# when the budget was set (bench/insns.py --kernel lxtest|mb1 [--quiet])
# plus a few per cent (CI's fresh root counts a few hundred more than the
# development machine): lxtest 56,163 and 36,579 quiet; mb1 98,792 and
# 72,727 quiet (of which 23,000 clear the test kernel's 92 KiB of bss).
# They were 92,691/49,381 and 139,485/87,337 before the firmware's memory
# map went to `verbose` and string lengths, searches and the Multiboot
# header scans became `rep` string instructions, 5.6 KiB of tables with
# their own counts left the bss cleared at entry, and the command line and
# the fw_cfg directory were read with fewer passes.
BUDGET = {
    ('lxtest', False): 59000,
    ('lxtest', True): 38500,
    ('mb1', False): 104000,
    ('mb1', True): 76500,
}


def main():
    if b'-plugin' not in subprocess.run(['qemu-system-x86_64', '-help'], stdout=subprocess.PIPE).stdout:
        print('SKIP budget: this QEMU has no -plugin option (TCG plugins)')
        print('budget: 0 passed, 0 failed')
        return 0
    prof.build_plugin()
    passed = failed = 0
    for (kind, quiet), budget in BUDGET.items():
        name = '%s%s' % (kind, ' quiet' if quiet else '')
        res = prof.measure(kind, quiet)
        line = '%s: %d of %d instructions (port I/O %d)' % (name, res['insns'], budget, res['pio'])
        if res['insns'] <= budget:
            print('PASS ' + line)
            passed += 1
            continue
        print('FAIL ' + line + '; where they went:')
        for fn, n in prof.by_function(res['prof'])[:15]:
            print('    %10d  %s' % (n, fn))
        failed += 1
    print('budget: %d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
