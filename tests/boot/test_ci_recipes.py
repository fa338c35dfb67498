# SPDX-License-Identifier: BSD-2-Clause
"""docs/ci.md: the shell commands of its GitHub Actions and GitLab CI jobs,
run as the CI systems would run them, in a fresh copy of the source tree.
(The YAML around them belongs to the CI systems and cannot run here.)"""

import os
import re
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET

from harness import ROOT, expect, expect_eq, fail, tmpdir

GUARD = 1800        # the whole build and suite: a hang guard only


def yaml_blocks():
    with open(os.path.join(ROOT, 'docs', 'ci.md')) as f:
        return re.findall(r'```yaml\n(.*?)```', f.read(), re.S)


def indent_of(line):
    return len(line) - len(line.lstrip(' '))


def shell_commands(yaml):
    """The commands of `run: |` blocks, `run: CMD` lines and `script:` lists,
    in order (enough YAML for the recipes in docs/ci.md)."""
    lines = yaml.splitlines()
    cmds = []
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r'^(\s*)(?:- )?run: (.*)$', line)
        if m and m.group(2).strip() == '|':
            base = indent_of(line)
            i += 1
            while i < len(lines) and (not lines[i].strip() or indent_of(lines[i]) > base):
                if lines[i].strip():
                    cmds.append(lines[i].strip())
                i += 1
            continue
        if m:
            cmds.append(m.group(2).strip())
        elif re.match(r'^\s*script:\s*$', line):
            base = indent_of(line)
            i += 1
            while i < len(lines) and re.match(r'^\s*- ', lines[i]) and indent_of(lines[i]) >= base:
                cmds.append(re.sub(r'^\s*- ', '', lines[i]).strip())
                i += 1
            continue
        i += 1
    return cmds


def fresh_tree(d):
    """The source tree as a checkout has it: no build/, no .git."""
    dst = os.path.join(d, 'src')
    shutil.copytree(ROOT, dst, symlinks=True,
                    ignore=lambda path, names: [n for n in names if path == ROOT and n in ('build', '.git')])
    return dst


def run_sh(tree, cmds, env):
    e = dict(os.environ)
    e.update(env)
    e.pop('FWBOOT_ELF', None)
    script = 'set -e\n' + '\n'.join(cmds) + '\n'
    p = subprocess.run(['sh', '-c', script], cwd=tree, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=GUARD, env=e)
    out = p.stdout.decode('utf-8', 'replace')
    if p.returncode != 0:
        fail('the commands failed (status %d):\n%s\n--- output tail:\n%s'
             % (p.returncode, script, '\n'.join(out.splitlines()[-40:])))
    return out


def junit_cases(path):
    root = ET.parse(path).getroot()
    cases = []
    for ts in root.iter('testsuite'):
        for c in ts.findall('testcase'):
            bad = c.find('failure') is not None or c.find('error') is not None
            cases.append((c.get('name'), bad))
    return cases


def test_ci_recipes_run():
    if os.getuid() != 0:
        fail('the recipes run as root, like the debian:12 containers of the CI jobs')
    blocks = yaml_blocks()
    github = next((b for b in blocks if 'runs-on:' in b), None)
    gitlab = next((b for b in blocks if 'parallel:' in b), None)
    expect(github and gitlab, 'docs/ci.md lacks a GitHub Actions or a GitLab CI block')
    with open(os.path.join(ROOT, 'tests', 'ci', 'smoke.toml'), 'rb') as f:
        targets = sorted(t['name'] for t in tomllib.load(f)['target'])
    d = tmpdir()
    tree = fresh_tree(d)

    # GitHub: every matrix value, ${{ matrix.shard }} filled in
    m = re.search(r'shard: \[([\d, ]+)\]', github)
    expect(m, 'no shard matrix in the GitHub job')
    shards = [int(s) for s in m.group(1).split(',')]
    cmds = shell_commands(github)
    expect(any('fwboot-run --suite' in c for c in cmds), 'GitHub job runs no suite: %s' % cmds)
    names = []
    for k in shards:
        run_sh(tree, [c.replace('${{ matrix.shard }}', str(k)) for c in cmds], {})
        got = junit_cases(os.path.join(tree, 'boot-%d.xml' % k))
        expect(got, 'shard %d ran nothing' % k)
        expect(not any(bad for _, bad in got), 'GitHub shard %d: failures %s' % (k, got))
        expect(os.path.isdir(os.path.join(tree, 'boot-logs-%d' % k)), 'no console logs')
        names += [n for n, _ in got]
    expect_eq(sorted(names), targets, 'targets over the GitHub shards')

    # GitLab: every parallel copy, CI_NODE_INDEX/CI_NODE_TOTAL set
    total = int(re.search(r'parallel: (\d+)', gitlab).group(1))
    cmds = shell_commands(gitlab)
    expect(any('fwboot-run --suite' in c for c in cmds), 'GitLab job runs no suite: %s' % cmds)
    names = []
    for k in range(1, total + 1):
        out = run_sh(tree, cmds, {'CI_NODE_INDEX': str(k), 'CI_NODE_TOTAL': str(total)})
        got = junit_cases(os.path.join(tree, 'boot.xml'))
        expect(not any(bad for _, bad in got), 'GitLab node %d: failures %s' % (k, got))
        expect(re.search(r'^%d passed, 0 failed$' % len(got), out, re.M), 'no tally line:\n' + out[-500:])
        names += [n for n, _ in got]
    expect_eq(sorted(names), targets, 'targets over the GitLab nodes')
