#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compare the bench results of our kernel and of upstream.

Reads build/bench/{ours,upstream}-<boot>.log (the guests' result channel:
"bench: <metric> <median-of-reps> <unit> ..." once per metric and round),
prints a table of medians over all rounds of all boots with the ratio
ours/upstream, writes the same as markdown (with the raw values) and a
PNG plot, and ends with "worst ours/upstream ratio: R (metric)".
"""
import argparse
import glob
import os
import re
import statistics
import sys

KERNELS = ("ours", "upstream")
LINE = re.compile(r"^bench: (\S+) (\S+) (\S+) n=(\d+) min=(\S+) max=(\S+)")


def describe(m):
    """A short human description of a metric name."""
    p = m.split(".")
    if p[0] == "harvest" and p[1] == "sparse":
        return f"PAGEMAP_SCAN get+WP over {p[2]}iB armed unpopulated, 1 page per 2 MiB written"
    if p[0] == "harvest":
        return f"PAGEMAP_SCAN get+WP, {p[1]}iB populated, {p[2][:-3]}% written"
    if p[0] == "softdirty":
        return f"soft-dirty: pagemap read + clear_refs, {p[1]}iB, {p[2][:-3]}% written"
    if p[0] == "fault":
        what = {
            "anon_zero": "first write, plain anonymous zero-fill (reference)",
            "wp_async": "first write, async uffd-wp (WP_ASYNC)",
            "wp_async_unpop": "first write to a WP_UNPOPULATED marker (async)",
            "uffd_sync": "first write, sync uffd-wp, handler thread",
            "sigsegv": "first write, mprotect + SIGSEGV handler (Wine fallback)",
            "softdirty": "first write after clear_refs (soft-dirty)",
        }[p[1]]
        return f"{what}, {p[2][:-1]} thread(s)"
    if p[0] == "arm" and p[1] == "unpop":
        return f"UFFDIO_WRITEPROTECT of {p[2]}iB unpopulated (WP_UNPOPULATED), THP {'on' if p[3] == 'thp' else 'off'}"
    if p[0] == "vmpte":
        return f"page tables (VmPTE) after arming {p[2]}iB, THP {'on' if p[3] == 'thp' else 'off'}"
    if p[0] == "populate_read":
        return f"MADV_POPULATE_READ of {p[1]}iB in a uffd-wp VMA (the pre-6.4 way to arm), THP {'on' if p[2] == 'thp' else 'off'}"
    if p[0] == "arm" and p[1] == "zeropage":
        return f"UFFDIO_WRITEPROTECT of {p[2]}iB of zero pages after that, THP {'on' if p[3] == 'thp' else 'off'}"
    if p[0] == "call":
        return {
            "getppid": "a null system call (reference: entry/exit cost)",
            "scan_empty": "PAGEMAP_SCAN over an empty range (ioctl fixed cost)",
            "scan_1page": "PAGEMAP_SCAN get+WP of one written page",
            "wp_1page": "UFFDIO_WRITEPROTECT of one page, on/off alternately",
        }[p[1]]
    return m


SKIPS = {}  # {kernel: [unique "bench: skip" lines]}, filled by load()


def load(resdir):
    """{kernel: {metric: [per-round medians]}}, units, metric order, errors."""
    vals = {k: {} for k in KERNELS}
    units, order, errors, kver = {}, [], [], {}
    for k in KERNELS:
        files = sorted(glob.glob(os.path.join(resdir, f"{k}-*.log")),
                       key=lambda f: int(re.findall(r"-(\d+)\.log$", f)[0]))
        for f in files:
            boot = int(re.findall(r"-(\d+)\.log$", f)[0])
            rnd = 0
            for line in open(f, errors="replace"):
                line = line.strip()
                if line.startswith("# kernel:"):
                    kver[k] = line[len("# kernel: "):]
                if line.startswith("# round "):
                    rnd = int(line.split()[2])
                if line.startswith("bench: error"):
                    errors.append(f"{k} boot {boot} round {rnd}: {line}")
                    continue
                if line.startswith("bench: skip"):
                    # Figures in the line vary from boot to boot: keep the first per metric.
                    key = line.split(":")[1]
                    if not any(x.split(":")[1] == key for x in SKIPS.setdefault(k, [])):
                        SKIPS[k].append(line)
                    continue
                mo = LINE.match(line)
                if not mo:
                    continue
                m, v, u = mo.group(1), float(mo.group(2)), mo.group(3)
                vals[k].setdefault(m, []).append((boot, rnd, v))
                units[m] = u
                if m not in order:
                    order.append(m)
    return vals, units, order, errors, kver


def quartiles(v):
    """p25 and p75 (linear interpolation), min and max for fewer than 4."""
    v = sorted(v)
    if len(v) < 4:
        return v[0], v[-1]
    q = statistics.quantiles(v, n=4, method="inclusive")
    return q[0], q[2]


def fmt(x):
    if x >= 1000:
        return f"{x:,.0f}"
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def summarize(vals, order):
    rows = []
    for m in order:
        o = [v for _, _, v in vals["ours"].get(m, [])]
        u = [v for _, _, v in vals["upstream"].get(m, [])]
        if not o or not u:
            rows.append(dict(m=m, missing=True,
                             om=statistics.median(o) if o else None,
                             um=statistics.median(u) if u else None))
            continue
        om, um = statistics.median(o), statistics.median(u)
        ratio = om / um if um > 0 else float("inf")
        oq, uq = quartiles(o), quartiles(u)
        if min(len(o), len(u)) < 4:
            verdict = "too few runs to tell"
        elif oq[0] > uq[1]:
            verdict = "slower, beyond noise"
        elif oq[1] < uq[0]:
            verdict = "faster, beyond noise"
        else:
            verdict = "within noise"
        rows.append(dict(m=m, missing=False, o=o, u=u, om=om, um=um, oq=oq, uq=uq,
                         ratio=ratio, verdict=verdict))
    return rows


def targets(med):
    """The issue's two speed targets, for each kernel."""
    out = []
    for k in KERNELS:
        h, s = med[k].get("harvest.256M.1pct"), med[k].get("softdirty.256M.1pct")
        if h and s:
            out.append((f"soft-dirty / harvest at 1% written, 256 MiB ({k})", s / h, 10))
        a, g = med[k].get("fault.wp_async.1t"), med[k].get("fault.sigsegv.1t")
        if a and g:
            out.append((f"mprotect+SIGSEGV / async uffd-wp fault ({k})", g / a, 5))
    return out


def plot(path, rows, med, units, iratio):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 3, figsize=(18, 7.5),
                           gridspec_kw=dict(width_ratios=[1.5, 1, 1]))
    # 1. ours/upstream per metric
    ok = [r for r in rows if not r["missing"]]
    names = [r["m"] for r in ok][::-1]
    ratios = [r["ratio"] for r in ok][::-1]
    colors = ["#c0392b" if x > 1.0 else "#2e86c1" for x in ratios]
    ax[0].barh(range(len(names)), ratios, color=colors)
    top = max(ratios + [1.5])
    for i, r in enumerate(ok[::-1]):
        ax[0].plot([r["oq"][0] / r["um"], r["oq"][1] / r["um"]], [i, i], color="black", lw=0.8)
        ir = iratio(r["m"])
        if ir is not None:
            ax[0].plot([ir], [i], marker="D", color="black", ms=3.5, ls="none",
                       label="instructions" if i == 0 else None)
            top = max(top, ir)
    ax[0].axvline(1.0, color="black", ls="--", lw=1)
    ax[0].set_xlim(0, top * 1.1)
    ax[0].set_yticks(range(len(names)))
    ax[0].set_yticklabels(names, fontsize=7)
    ax[0].set_xlabel("ours / upstream, < 1 is better: bar = time (median), line = our p25..p75, "
                     "diamond = instructions", fontsize=8)
    ax[0].set_title("6.1 + series vs 6.12, same config, QEMU TCG")

    # 2. scaling with range size (ns per page of range)
    def size_gib(s):
        return float(s[:-1]) / (1 if s.endswith("G") else 1024)

    series = [
        ("harvest 0%", lambda m: m.startswith("harvest.") and m.endswith(".0pct")),
        ("harvest 1%", lambda m: m.startswith("harvest.") and m.endswith(".1pct")),
        ("harvest 100%", lambda m: m.startswith("harvest.") and m.endswith(".100pct")),
        ("soft-dirty 1%", lambda m: m.startswith("softdirty.") and m.endswith(".1pct")),
        ("arm WP_UNPOPULATED", lambda m: m.startswith("arm.unpop.") and m.endswith(".nothp")),
    ]
    for k, ls in (("ours", "-"), ("upstream", "--")):
        for i, (label, sel) in enumerate(series):
            pts = sorted((size_gib(m.split(".")[-2 if m.startswith("arm") else 1]), v)
                         for m, v in med[k].items() if sel(m) and units[m] == "ns/page")
            if pts:
                ax[1].plot([p[0] for p in pts], [p[1] for p in pts], ls, marker="o",
                           color=f"C{i}", label=label if k == "ours" else None)
        sp = sorted((size_gib(m.split(".")[2]), v * 1e6 / (size_gib(m.split(".")[2]) * 262144))
                    for m, v in med[k].items() if m.startswith("harvest.sparse."))
        if sp:
            ax[1].plot([p[0] for p in sp], [p[1] for p in sp], ls, marker="s", color="C5",
                       label="harvest sparse, 1 page per 2 MiB" if k == "ours" else None)
    ax[1].set_xscale("log")
    ax[1].set_yscale("log")
    ax[1].set_xlabel("range (GiB); solid: ours, dashed: upstream")
    ax[1].set_ylabel("ns per page of range (TCG)")
    ax[1].set_title("Scaling with range size")
    ax[1].legend(fontsize=7)

    # 3. per-write costs, by mechanism and threads
    kinds = ["anon_zero", "wp_async", "wp_async_unpop", "softdirty", "sigsegv", "uffd_sync"]
    labels, o, u = [], [], []
    for kind in kinds:
        for t in (1, 2, 4):
            m = f"fault.{kind}.{t}t"
            if m in med["ours"] and m in med["upstream"]:
                labels.append(f"{kind} {t}t")
                o.append(med["ours"][m] / 1000)
                u.append(med["upstream"][m] / 1000)
    x = range(len(labels))
    ax[2].bar([i - 0.2 for i in x], o, 0.4, label="ours")
    ax[2].bar([i + 0.2 for i in x], u, 0.4, label="upstream")
    ax[2].set_xticks(list(x))
    ax[2].set_xticklabels(labels, rotation=60, ha="right", fontsize=7)
    ax[2].set_ylabel("µs per first write, per thread (TCG)")
    ax[2].set_yscale("log")
    ax[2].set_title("Cost of tracking one write")
    ax[2].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("resdir")
    ap.add_argument("--out", default=None)
    ap.add_argument("--meta", default=None)
    ap.add_argument("--wall", type=int, default=None)
    ap.add_argument("--icount", default=None,
                    help="results of the instruction-counting pass")
    a = ap.parse_args()

    vals, units, order, errors, kver = load(a.resdir)
    imed = {k: {} for k in KERNELS}
    if a.icount:
        ivals, _, iorder, ierrors, _ = load(a.icount)
        errors += [f"(instructions) {e}" for e in ierrors]
        imed = {k: {m: statistics.median([v for _, _, v in ivals[k][m]]) for m in ivals[k]}
                for k in KERNELS}
        order += [m for m in iorder if m not in order]

    def iratio(m):
        o, u = imed["ours"].get(m), imed["upstream"].get(m)
        return o / u if o is not None and u else None
    rows = summarize(vals, order)
    med = {k: {m: statistics.median([v for _, _, v in vals[k][m]]) for m in vals[k]}
           for k in KERNELS}
    meta = open(a.meta).read().strip().splitlines() if a.meta else []

    w = max([len(r["m"]) for r in rows] + [6])
    hdr = (f"{'metric':<{w}} {'unit':<8} {'ours':>9} {'upstream':>9} {'ratio':>6}  "
           f"{'ours p25..p75':>19}  {'upstr. p25..p75':>19}  {'instr.ratio':>11}  verdict")
    print(hdr)
    print("-" * len(hdr))
    for r in rows:
        ir = iratio(r["m"])
        irs = f"{ir:11.3f}" if ir is not None else f"{'-':>11}"
        if r["missing"]:
            om = fmt(r["om"]) if r["om"] is not None else "-"
            um = fmt(r["um"]) if r["um"] is not None else "-"
            why = ("only ours ran (see skip)" if r["om"] is not None else
                   "only upstream ran (see skip)" if r["um"] is not None else "not timed")
            print(f"{r['m']:<{w}} {units.get(r['m'], ''):<8} {om:>9} {um:>9} {'-':>6}  {'':>19}  {'':>19}  {irs}  {why}")
            continue
        print(f"{r['m']:<{w}} {units[r['m']]:<8} {fmt(r['om']):>9} {fmt(r['um']):>9} "
              f"{r['ratio']:>6.3f}  {fmt(r['oq'][0]) + '..' + fmt(r['oq'][1]):>19}  "
              f"{fmt(r['uq'][0]) + '..' + fmt(r['uq'][1]):>19}  {irs}  {r['verdict']}")
    tg = targets(med)
    itg = targets(imed)
    print()
    for name, x, want in tg:
        print(f"target: {name}: {x:.1f}x (want >= {want}x) {'met' if x >= want else 'NOT MET'}")
    for name, x, want in itg:
        print(f"target, in instructions: {name}: {x:.1f}x (want >= {want}x) {'met' if x >= want else 'NOT MET'}")
    for k in KERNELS:
        for line in SKIPS.get(k, []):
            print(f"{k}: {line}")
    for e in errors:
        print(f"ERROR: {e}")
    if a.wall is not None:
        print(f"make bench wall time: {a.wall // 60} min {a.wall % 60} s")

    ok = [r for r in rows if not r["missing"]]
    worst = max(ok, key=lambda r: r["ratio"]) if ok else None
    iok = [(iratio(m), m) for m in order if iratio(m) is not None]
    iworst = max(iok) if iok else None

    if a.out:
        os.makedirs(a.out, exist_ok=True)
        png = os.path.join(a.out, "bench.png")
        try:
            plot(png, rows, med, units, iratio)
        except ImportError:
            print("bench: no matplotlib (apt-get install python3-matplotlib): no plot", file=sys.stderr)
        md = os.path.join(a.out, "bench-results.md")
        with open(md, "w") as f:
            f.write("# Benchmark results: 6.1 + series vs upstream 6.12\n\n")
            f.write("Generated by `make bench` (tools/bench/run.sh, tools/bench/report.py); "
                    "see Documentation/benchmarks.rst for the method and the analysis.\n\n")
            f.write("**These are QEMU TCG (software emulation) times, not real kernel times.** "
                    "Emulation inflates every operation unevenly (page faults, TLB flushes and "
                    "system calls far more than plain loops), so only the ratios between the two "
                    "kernels, measured in the same run on the same emulator, are meaningful. The "
                    "raw values are kept below.\n\n")
            for line in meta:
                k, _, v = line.partition("=")
                f.write(f"- {k}: {v}\n")
            for k in KERNELS:
                if k in kver:
                    f.write(f"- guest kernel ({k}): `{kver[k]}`\n")
            if a.wall is not None:
                f.write(f"- make bench wall time: {a.wall // 60} min {a.wall % 60} s\n")
            f.write("\nEach value is the median over all rounds of all boots of the per-round "
                    "median of the repetitions inside the guest; p25..p75 are the quartiles over "
                    "the rounds (all values are in the raw table below). Lower is better everywhere. "
                    "\"beyond noise\" means the two kernels' interquartile ranges do not overlap. "
                    "The instruction columns come from the deterministic -icount pass "
                    "(guest instructions per unit: per page, per call, per write).\n\n")
            f.write("| metric | what | unit | ours | upstream | ours/upstream | ours p25..p75 | upstream p25..p75 | verdict | instructions ours | instructions upstream | ours/upstream, instructions |\n")
            f.write("|---|---|---|---:|---:|---:|---|---|---|---:|---:|---:|\n")
            for r in rows:
                m = r["m"]
                io, iu, ir = imed["ours"].get(m), imed["upstream"].get(m), iratio(m)
                icells = (f"{fmt(io)} | {fmt(iu)} | {ir:.3f}" if ir is not None else " | | ")
                if r["missing"]:
                    om = fmt(r["om"]) if r["om"] is not None else ""
                    um = fmt(r["um"]) if r["um"] is not None else ""
                    why = ("only ours ran (see Skipped)" if r["om"] is not None else
                           "only upstream ran (see Skipped)" if r["um"] is not None else "not timed")
                    f.write(f"| `{m}` | {describe(m)} | {units.get(m, '')} | {om} | {um} | | | | {why} | {icells} |\n")
                    continue
                f.write(f"| `{m}` | {describe(m)} | {units[m]} | {fmt(r['om'])} | "
                        f"{fmt(r['um'])} | **{r['ratio']:.3f}** | {fmt(r['oq'][0])}..{fmt(r['oq'][1])} | "
                        f"{fmt(r['uq'][0])}..{fmt(r['uq'][1])} | {r['verdict']} | {icells} |\n")
            f.write("\n## Targets\n\n")
            for name, x, want in tg:
                f.write(f"- {name}: **{x:.1f}x** (target >= {want}x): {'met' if x >= want else 'NOT MET'}\n")
            for name, x, want in itg:
                f.write(f"- in guest instructions, {name}: **{x:.1f}x** (target >= {want}x): {'met' if x >= want else 'NOT MET'}\n")
            if iworst:
                f.write(f"- worst ours/upstream instruction ratio: **{iworst[0]:.3f}** (`{iworst[1]}`)\n")
            if worst:
                f.write(f"- worst ours/upstream ratio: **{worst['ratio']:.3f}** (`{worst['m']}`)\n")
            if SKIPS:
                f.write("\n## Skipped\n\n")
                for k in KERNELS:
                    for line in SKIPS.get(k, []):
                        f.write(f"- {k}: `{line}`\n")
            if errors:
                f.write("\n## Self-check errors\n\n")
                for e in errors:
                    f.write(f"- {e}\n")
            f.write("\n![ours vs upstream](bench.png)\n")
            f.write("\n## Raw values\n\nPer boot and round (`boot.round=value`), in the metric's unit.\n\n")
            f.write("| metric | ours | upstream |\n|---|---|---|\n")
            for m in order:
                cells = []
                for k in KERNELS:
                    cells.append(" ".join(f"{b}.{r}={fmt(v)}" for b, r, v in vals[k].get(m, [])))
                f.write(f"| `{m}` | {cells[0]} | {cells[1]} |\n")
            if a.icount:
                f.write("\nInstruction-counting pass (one boot, one round; the unit's \"ns\" are guest instructions):\n\n")
                f.write("| metric | ours | upstream |\n|---|---|---|\n")
                for m in order:
                    if m in imed["ours"] or m in imed["upstream"]:
                        f.write(f"| `{m}` | {fmt(imed['ours'].get(m, float('nan')))} | {fmt(imed['upstream'].get(m, float('nan')))} |\n")
        print(f"bench: wrote {md} and {png}")
    if iworst:
        print(f"worst ours/upstream instruction ratio: {iworst[0]:.3f} ({iworst[1]})")
    if worst is None:
        print("worst ours/upstream ratio: none (no results)")
        return 1
    print(f"worst ours/upstream ratio: {worst['ratio']:.3f} ({worst['m']})")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
