#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Watch upstream 6.12.y for changes to what the series mirrors.

The series' ABI follows upstream 6.12.y with its stable fixes. This tool
compares the upstream release the series was last reviewed against
(tools/upstream/reviewed: its Debian version and a fingerprint of every
mirrored function) with the installed linux-source-6.12, and says:

  - which mirrored functions and uapi blocks changed, were added or went
    away (a SHA-1 of each function's text, whitespace-normalised);
  - the Debian changelog lines between the two releases that name the
    mirrored areas;
  - whether patches/series still applies to the installed linux-source-6.1.

  tools/upstream-watch.py              report (exit 0; 1 on a tool error)
  tools/upstream-watch.py --summary    one line (make check)
  tools/upstream-watch.py --record     re-record the installed release as
                                       reviewed (after a review: commit it)

What is mirrored is the MIRRORED table below: whole files for the
userfaultfd core, and for the other mm files every function whose text
mentions uffd, userfaultfd, a pte marker or soft-dirty.
"""
import gzip
import hashlib
import os
import re
import subprocess
import sys
import tarfile
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REVIEWED = os.path.join(TOP, "tools", "upstream", "reviewed")
SRC_612 = "/usr/src/linux-source-6.12.tar.xz"
SRC_61 = "/usr/src/linux-source-6.1.tar.xz"
CHANGELOG = "/usr/share/doc/linux-source-6.12/changelog.Debian.gz"

# path -> which functions: "all", or a regex their text must match.
KEYWORDS = r"uffd|userfaultfd|pte_marker|PTE_MARKER|soft_dirty|SOFT_DIRTY|VM_SOFTDIRTY"
MIRRORED = {
    "fs/proc/task_mmu.c": r"pagemap|pm_scan|PAGEMAP|PM_SCAN|PAGE_IS_|" + KEYWORDS,
    "fs/userfaultfd.c": "all",
    "mm/userfaultfd.c": "all",
    "include/linux/userfaultfd_k.h": "all",
    "include/linux/mm_inline.h": KEYWORDS,
    "include/linux/swapops.h": KEYWORDS,
    "mm/memory.c": KEYWORDS,
    "mm/mprotect.c": KEYWORDS,
    "mm/hugetlb.c": KEYWORDS,
    "mm/huge_memory.c": KEYWORDS,
    "mm/khugepaged.c": KEYWORDS,
    "mm/mremap.c": KEYWORDS,
    "mm/vma.c": KEYWORDS,
    "mm/mmap.c": KEYWORDS,
    "mm/ksm.c": KEYWORDS,
    "mm/rmap.c": KEYWORDS,
    "mm/migrate.c": KEYWORDS,
    "mm/swapfile.c": KEYWORDS,
    "mm/shmem.c": KEYWORDS,
    "arch/x86/include/asm/pgtable.h": KEYWORDS,
    "arch/x86/include/asm/pgtable_types.h": KEYWORDS,
    "arch/arm64/include/asm/pgtable.h": KEYWORDS,
    "arch/arm64/include/asm/pgtable-prot.h": KEYWORDS,
}
# uapi headers: the whole file, or the block between two regexes.
UAPI = {
    "include/uapi/linux/userfaultfd.h": None,
    "include/uapi/linux/fs.h": (r"Pagemap ioctl|PAGE_IS_", r"^#endif /\* _UAPI_LINUX_FS_H \*/"),
}
# Changelog lines that name what the series mirrors.
CL_RE = re.compile(r"userfaultfd|uffd|pagemap|task_mmu|pte.marker|soft.dirty|"
                   r"mm/ksm|mm/mremap|mm/vma|mm/mprotect|mm/hugetlb|mm/khugepaged|"
                   r"mm/memory|mm/huge_memory|mm/shmem|\bwp\b|write.protect", re.I)

FUNC_START = re.compile(r"^(?:static\s+|extern\s+|inline\s+|__always_inline\s+|"
                        r"noinline\s+|__cold\s+|unsigned\s+|const\s+|struct\s+)*"
                        r"[A-Za-z_][\w\s\*]*?\b([A-Za-z_]\w*)\s*\(")


def functions(text):
    """(name, text) of every top-level function definition in C text."""
    out = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        m = FUNC_START.match(line)
        if m and not line.rstrip().endswith(";") and not line.startswith("#"):
            # the signature may span lines: find the "{" at column 0 or
            # at a line end before any ";"
            j = i
            while j < len(lines) and "{" not in lines[j] and not lines[j].rstrip().endswith(";"):
                j += 1
            if j < len(lines) and "{" in lines[j] and not lines[j].rstrip().endswith(";"):
                k = j
                while k < len(lines) and lines[k] != "}":
                    k += 1
                out.append((m.group(1), "\n".join(lines[i:k + 1])))
                i = k + 1
                continue
        i += 1
    return out


def norm_sha(text):
    return hashlib.sha1(re.sub(r"\s+", " ", text).strip().encode()).hexdigest()[:16]


def fingerprint(read):
    """{ "path function": sha } for everything mirrored; read(path) -> text."""
    fp = {}
    for path, rule in MIRRORED.items():
        text = read(path)
        if text is None:
            continue
        seen = {}
        for name, body in functions(text):
            if rule != "all" and not re.search(rule, body):
                continue
            seen[name] = seen.get(name, 0) + 1
            key = f"{path} {name}" + (f"#{seen[name]}" if seen[name] > 1 else "")
            fp[key] = norm_sha(body)
    for path, block in UAPI.items():
        text = read(path)
        if text is None:
            continue
        if block:
            m = re.search(block[0], text)
            e = re.search(block[1], text, re.M)
            text = text[m.start():e.start() if e and e.start() > m.start() else None] if m else ""
        fp[f"{path} (uapi)"] = norm_sha(text)
    return fp


def tar_reader(tarball, wanted):
    """Read the wanted paths from a linux-source tarball in one pass."""
    files = {}
    with tarfile.open(tarball, "r:xz") as t:
        for m in t:
            p = m.name.split("/", 1)
            if len(p) == 2 and p[1] in wanted and m.isfile():
                files[p[1]] = t.extractfile(m).read().decode("utf-8", "replace")
                if len(files) == len(wanted):
                    break
    return files.get


def pkg_version(pkg):
    try:
        return subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def upstream_of(debver):
    """6.12.118-1~deb12u1 -> 6.12.118"""
    return re.sub(r"-.*", "", debver or "")


def load_reviewed():
    ver, fp = None, {}
    with open(REVIEWED) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# debian-version: "):
                ver = line.split(": ", 1)[1]
            elif line and not line.startswith("#"):
                key, sha = line.rsplit(" ", 1)
                fp[key] = sha
    return ver, fp


def changelog_since(reviewed_up):
    """Changelog lines naming mirrored areas, newer than reviewed_up."""
    out, cur = [], None
    try:
        with gzip.open(CHANGELOG, "rt", errors="replace") as f:
            for line in f:
                m = re.match(r"^linux(?:-6\.12)? \(([^)]+)\)", line)
                if m:
                    cur = upstream_of(m.group(1))
                    if cur == reviewed_up:
                        break
                    continue
                if cur and line.startswith("    - ") and CL_RE.search(line):
                    out.append(f"{cur}: {line.strip()[2:]}")
    except OSError:
        out.append("(no changelog at %s)" % CHANGELOG)
    return out


def series_applies():
    """Apply patches/series to the installed linux-source-6.1 (the files they touch)."""
    series = [l.strip() for l in open(os.path.join(TOP, "patches", "series"))
              if l.strip() and not l.startswith("#")]
    touched = set()
    for p in series:
        for line in open(os.path.join(TOP, "patches", p), errors="replace"):
            m = re.match(r"^diff --git a/(\S+) b/(\S+)", line)
            if m:
                touched.update(m.groups())
    with tempfile.TemporaryDirectory() as d:
        with tarfile.open(SRC_61, "r:xz") as t:
            for m in t:
                p = m.name.split("/", 1)
                if len(p) == 2 and p[1] in touched and m.isfile():
                    dst = os.path.join(d, p[1])
                    os.makedirs(os.path.dirname(dst), exist_ok=True)
                    with open(dst, "wb") as f:
                        f.write(t.extractfile(m).read())
        for i, p in enumerate(series, 1):
            r = subprocess.run(["patch", "-p1", "-s", "-N", "--no-backup-if-mismatch", "-d", d,
                                "-i", os.path.join(TOP, "patches", p)],
                               capture_output=True, text=True)
            if r.returncode:
                return False, f"patch {i} ({p}) does not apply: {r.stdout.strip()[:200]}"
    return True, f"{len(series)} patches apply"


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if not os.path.exists(SRC_612):
        print("upstream-watch: no %s (apt-get install linux-source-6.12)" % SRC_612)
        return 1
    installed = pkg_version("linux-source-6.12") or "unknown"
    wanted = set(MIRRORED) | set(UAPI)
    now = fingerprint(tar_reader(SRC_612, wanted))
    if mode == "--record":
        os.makedirs(os.path.dirname(REVIEWED), exist_ok=True)
        with open(REVIEWED, "w") as f:
            f.write("# The upstream 6.12.y release the series was last reviewed against,\n"
                    "# and a fingerprint of what it mirrors (tools/upstream-watch.py).\n")
            f.write(f"# debian-version: {installed}\n")
            for k in sorted(now):
                f.write(f"{k} {now[k]}\n")
        print(f"upstream-watch: recorded {installed} ({len(now)} mirrored items)")
        return 0
    rev_ver, rev = load_reviewed()
    changed = sorted(k for k in now if k in rev and rev[k] != now[k])
    added = sorted(k for k in now if k not in rev)
    gone = sorted(k for k in rev if k not in now)
    same_release = upstream_of(installed) == upstream_of(rev_ver)
    cl = [] if same_release else changelog_since(upstream_of(rev_ver))
    ok, how = series_applies()
    base61 = pkg_version("linux-source-6.1") or "unknown"
    n = len(changed) + len(added) + len(gone)
    line1 = (f"upstream-watch: reviewed {upstream_of(rev_ver)}, installed "
             f"{upstream_of(installed)}: {n} of {len(rev)} mirrored items changed, "
             f"{len(cl)} changelog lines; linux-source-6.1 {base61}: "
             f"{'applies' if ok else 'DOES NOT APPLY'}")
    if mode == "--summary":
        print(line1)
        return 0
    print(f"reviewed:  linux-source-6.12 {rev_ver} ({REVIEWED})")
    print(f"installed: linux-source-6.12 {installed}")
    for title, keys in (("changed", changed), ("new", added), ("gone", gone)):
        for k in keys:
            print(f"  {title}: {k}")
    if not n:
        print("  no mirrored function or uapi block changed")
    if cl:
        print(f"changelog since {upstream_of(rev_ver)}, lines naming mirrored areas:")
        for line in cl:
            print("  " + line)
    elif not same_release:
        print("changelog: no line names a mirrored area")
    print(f"linux-source-6.1 {base61}: {how}")
    print(line1)
    if n or cl:
        print("review each item, match the series where the answer changed, then "
              "tools/upstream-watch.py --record and commit tools/upstream/reviewed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
