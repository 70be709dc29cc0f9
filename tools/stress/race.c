// SPDX-License-Identifier: GPL-2.0
/*
 * race: do pmd-level readers give the right answer while the pmd changes?
 *
 * The dirty-tracking stress tool checks writes over long epochs; this one
 * aims at the small windows in which a reader of a pmd (pagemap,
 * PAGEMAP_SCAN, mincore, smaps, move_pages, mlock) meets a pmd that another
 * thread is turning from empty into a marker, a marker into nothing or into
 * a page table, or a huge page into nothing. Thousands of transitions a
 * second, each one syscall on one aligned 2 MiB, on every vCPU.
 *
 * The memory is one anonymous mapping, registered for async uffd-wp with
 * WP_UNPOPULATED, cut into aligned 2 MiB regions of three kinds, in the
 * order V S W S V S W S ...:
 *
 *   V  never written or read: armed, unprotected (whole and in part), zapped,
 *      re-armed by PAGEMAP_SCAN, mprotected. It holds
 *      nothing or uffd-wp markers, at pte or (where the kernel has them) pmd
 *      level, and must never read as present.
 *   S  written once at the start and never changed: always present.
 *   W  written (a THP where THP is on) and zapped again and again; mlocked
 *      on fault, with the S after it, by readers.
 *
 * S is write-protected once, so every kind reads differently. The oracle: a
 * V page is never present, resident or on a node and reads as nothing or as
 * a uffd-wp marker (PM_SWAP, PM_UFFD_WP and the marker's swap type); an S
 * page is always protected and present (or swapped or migrating: PM_SWAP
 * with PM_UFFD_WP and another swap type), resident and on a node; a W page
 * is never protected. A reader that skips a pmd without output, or reads a
 * stale one, shifts its answers onto the neighbouring region of another
 * kind, or shows a page as something it never was, and is caught, also with
 * a read of a single entry. A V region is now and then mapped anew, so that
 * its page table goes and the next arm forms a PMD marker again.
 *
 * Needs the upstream ABI (Linux 6.7+ or the backport). The last line is
 * "race: N transitions, M reads, K violations, seed S"; exit 0 if K is 0,
 * 1 otherwise, 4 (KSFT_SKIP) without async uffd-wp.
 *
 *   race [-t seconds] [-s seed] [-H always|never|keep] [-c changers]
 *        [-r readers] [-n regions] [-v] [-T]
 *
 * -T (tight) narrows it to the smallest windows: changers only arm and
 * unprotect or zap V region 0 whole, and fault and zap a THP in W region 2;
 * readers only read regions 0-1 and 2-3.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/fs.h>
#include <linux/userfaultfd.h>

#include "uapi_compat.h"

#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT	0x01
#endif

#define PM_PRESENT	(1ULL << 63)
#define PM_SWAP		(1ULL << 62)
#define PM_UFFD_WP	(1ULL << 57)
#define MAX_THREADS	8
#define MAX_SHOWN	20

enum kind { V, S, W };

static long psize;
static size_t hpage = 2UL << 20;
static size_t npages;		/* pages per region */
static int nregions = 32;
static char *mem;
static int uffd, pagemap_fd;
static unsigned int seed0;
static bool verbose;
static bool tight;	/* -T: one THP coming and going, one-entry reads */
static bool in_child;	/* a fork child: count violations, print nothing */
static unsigned long marker_type = ~0UL;	/* swap type of a uffd-wp marker */
static atomic_bool stop;
static atomic_ulong transitions, reads, violations, skipped_movepages;
static atomic_int shown;

static enum kind kind_of(int r)
{
	return (r % 2) ? S : (r % 4 == 0) ? V : W;
}

static char *region(int r)
{
	return mem + (size_t)r * hpage;
}

static void violation(const char *fmt, ...)
{
	va_list ap;

	atomic_fetch_add(&violations, 1);
	/* stdio's locks may be held by a thread the fork did not copy. */
	if (in_child || atomic_fetch_add(&shown, 1) >= MAX_SHOWN)
		return;
	va_start(ap, fmt);
	printf("# VIOLATION: ");
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
	va_end(ap);
}

static unsigned int rnd(unsigned int *s)
{
	*s = *s * 1103515245 + 12345;
	return (*s >> 8) & 0xffffff;
}

static int wp(char *addr, size_t len, bool protect)
{
	struct uffdio_writeprotect w = {
		.range = { .start = (unsigned long)addr, .len = len },
		.mode = protect ? UFFDIO_WRITEPROTECT_MODE_WP : 0,
	};

	return ioctl(uffd, UFFDIO_WRITEPROTECT, &w);
}

static long scan(char *start, char *end, unsigned long flags,
		 unsigned long mask, struct page_region *vec, size_t vec_len,
		 unsigned long *walk_end)
{
	struct pm_scan_arg arg = {
		.size = sizeof(arg),
		.flags = flags,
		.start = (unsigned long)start,
		.end = (unsigned long)end,
		.vec = (unsigned long)vec,
		.vec_len = vec_len,
		.category_mask = mask,
		.return_mask = mask ? mask : PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
	};
	long n = ioctl(pagemap_fd, PAGEMAP_SCAN, &arg);

	if (walk_end)
		*walk_end = arg.walk_end;
	return n;
}

/* --- changers ----------------------------------------------------------- */

/* One thread per vCPU where it can be: a window needs both running at once. */
static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void reset_v(int r)
{
	struct uffdio_register reg = {
		.range = { .start = (unsigned long)region(r), .len = hpage },
		.mode = UFFDIO_REGISTER_MODE_WP,
	};

	if (mmap(region(r), hpage, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0) == MAP_FAILED)
		return;
	ioctl(uffd, UFFDIO_REGISTER, &reg);
}

static void change_v(int r, unsigned int *s)
{
	char *m = region(r);
	size_t a = rnd(s) % npages, b = a + 1 + rnd(s) % (npages - a);
	struct page_region vec[4];
	int op = rnd(s) % 17;

	switch (op) {
	case 0 ... 4:	/* arm the whole region: a PMD marker, or 512 pte ones */
		wp(m, hpage, true);
		break;
	case 5 ... 8:	/* unprotect the whole: the marker goes */
		wp(m, hpage, false);
		break;
	case 9 ... 10:	/* zap it: anonymous markers go */
		madvise(m, hpage, MADV_DONTNEED);
		break;
	case 11:	/* unprotect part: a PMD marker is split */
		wp(m + a * psize, (b - a) * psize, false);
		break;
	case 12:	/* arm part */
		wp(m + a * psize, (b - a) * psize, true);
		break;
	case 13:	/* re-arm the holes as a tracker does */
		scan(m, m + hpage, PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC,
		     PAGE_IS_WRITTEN, vec, 4, NULL);
		break;
	case 14:	/* mprotect part: VMAs split and merge around it */
		mprotect(m + a * psize, (b - a) * psize, PROT_READ);
		mprotect(m + a * psize, (b - a) * psize, PROT_READ | PROT_WRITE);
		break;
	case 15:	/* zap part */
		madvise(m + a * psize, (b - a) * psize, MADV_DONTNEED);
		break;
	case 16:	/* map it anew: its table goes, the next arm is a PMD marker */
		reset_v(r);
		break;
	}
}

static void change_w(int r, unsigned int *s)
{
	char *m = region(r);
	size_t a = rnd(s) % npages;

	switch (rnd(s) % 4) {
	case 0:		/* fault it in: a THP where THP is on */
		*(volatile char *)(m + a * psize) = 1;
		break;
	case 1:		/* read fault: the huge zero page where THP is on */
		(void)*(volatile char *)(m + a * psize);
		break;
	case 2:		/* zap it whole: a THP goes in one step */
		madvise(m, hpage, MADV_DONTNEED);
		break;
	case 3:		/* zap part: a THP is split first */
		madvise(m + a * psize, psize, MADV_DONTNEED);
		break;
	}
}

static void check_all(const char *who);

/* A child checks its own copy once, then exits: fork() copied every pmd. */
static void change_fork(void)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return;
	if (!pid) {
		unsigned long before = atomic_load(&violations);

		/* The parent's pagemap fd reads the parent's mm. */
		in_child = true;
		pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
		if (pagemap_fd < 0)
			_exit(2);
		check_all("fork child");
		_exit(atomic_load(&violations) != before);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		violation("fork: the child saw a wrong entry (status %#x)", status);
}

static void *changer(void *arg)
{
	unsigned int s = seed0 ^ (unsigned int)(uintptr_t)arg * 7919;
	unsigned long n = 0;

	pin(((uintptr_t)arg - 1) % 2);

	/*
	 * Tight: the first changer brings a huge page into W 2 and zaps it
	 * (the huge pmd -> none transition under mmap_read_lock), others
	 * arm, clear and remap V 0.
	 */
	while (tight && !atomic_load(&stop)) {
		if ((uintptr_t)arg == 1) {
			if (rnd(&s) % 2)
				(void)*(volatile char *)region(2);
			else
				*(volatile char *)region(2) = 1;
			madvise(region(2), hpage, MADV_DONTNEED);
		} else {
			wp(region(0), hpage, true);
			if (rnd(&s) % 4)
				wp(region(0), hpage, false);
			else
				reset_v(0);
		}
		n++;
	}
	while (!atomic_load(&stop)) {
		int r = rnd(&s) % nregions;

		if (rnd(&s) % 512 == 0) {
			change_fork();
		} else if (kind_of(r) == V) {
			change_v(r, &s);
		} else if (kind_of(r) == W) {
			change_w(r, &s);
		} else {
			continue;
		}
		n++;
	}
	atomic_fetch_add(&transitions, n);
	return NULL;
}

/* --- readers and the oracle --------------------------------------------- */

static void check_pme(const char *who, size_t page, uint64_t e)
{
	int r = page / npages;
	enum kind k = kind_of(r);
	bool present = e & PM_PRESENT, swap = e & PM_SWAP, wp = e & PM_UFFD_WP;
	bool marker = swap && wp && (e & 0x1f) == marker_type;
	const char *bad = NULL;

	/* Empty entries may carry PM_SOFT_DIRTY (a new VMA): flags aside. */
	if (k == V && (present || (swap && !marker)))
		bad = "not empty or a marker";
	/* A child without uffd-wp has no marker, and unprotected copies. */
	else if (k == S && in_child && !present && !swap)
		bad = "neither present nor swapped";
	else if (k == S && !in_child && !(wp && (present || (swap && !marker))))
		bad = "not a protected page";
	else if (k == W && wp)
		bad = "protected";
	if (bad)
		violation("%s: %s page %zu (region %d) reads %#llx, %s", who,
			  k == V ? "V" : k == S ? "S" : "W", page % npages, r,
			  (unsigned long long)e, bad);
}

static void read_pagemap(const char *who, size_t first, size_t n)
{
	static __thread uint64_t *buf;
	ssize_t got;
	size_t i;

	if (!buf)
		buf = malloc(nregions * npages * sizeof(*buf));
	got = pread(pagemap_fd, buf, n * sizeof(*buf),
		    ((unsigned long)mem / psize + first) * sizeof(*buf));
	if (got != (ssize_t)(n * sizeof(*buf))) {
		violation("%s: pagemap pread of %zu entries returned %zd (%s)",
			  who, n, got, strerror(errno));
		return;
	}
	for (i = 0; i < n; i++)
		check_pme(who, first + i, buf[i]);
}

/*
 * PAGEMAP_SCAN of every page, reporting PRESENT and SWAPPED: the regions must
 * tile [start, walk_end) in order, and each page's categories must fit its
 * kind. walk_end is the end unless the vector filled.
 */
static void read_scan(size_t first, size_t n)
{
	static __thread struct page_region *vec;
	size_t vec_len = 64, i, p;
	unsigned long walk_end, at;
	char *start = mem + first * psize, *end = start + n * psize;
	long got;

	if (!vec)
		vec = malloc(vec_len * sizeof(*vec));
	got = scan(start, end, 0, 0, vec, vec_len, &walk_end);
	if (got < 0) {
		violation("PAGEMAP_SCAN: %s", strerror(errno));
		return;
	}
	if (walk_end != (unsigned long)end && got < (long)vec_len)
		violation("PAGEMAP_SCAN: walk_end %#lx, not the end %p (%ld regions)",
			  walk_end, end, got);
	if (walk_end < (unsigned long)start || walk_end > (unsigned long)end) {
		violation("PAGEMAP_SCAN: walk_end %#lx outside [%p, %p]", walk_end, start, end);
		return;
	}
	at = (unsigned long)start;
	for (i = 0; i < (size_t)got; i++) {
		if (vec[i].start != at || vec[i].end <= vec[i].start ||
		    vec[i].end > walk_end) {
			violation("PAGEMAP_SCAN: region %zu %#llx-%#llx, expected from %#lx to at most %#lx",
				  i, (unsigned long long)vec[i].start,
				  (unsigned long long)vec[i].end, at, walk_end);
			return;
		}
		for (p = (vec[i].start - (unsigned long)mem) / psize;
		     p < (vec[i].end - (unsigned long)mem) / psize; p++) {
			enum kind k = kind_of(p / npages);
			bool present = vec[i].categories & PAGE_IS_PRESENT;
			bool swapped = vec[i].categories & PAGE_IS_SWAPPED;

			if ((k == V && present) || (k == S && !present && !swapped)) {
				violation("PAGEMAP_SCAN: %s page %zu (region %zu) categories %#llx",
					  k == V ? "V" : "S", p % npages, p / npages,
					  (unsigned long long)vec[i].categories);
				return;
			}
		}
		at = vec[i].end;
	}
	if (at != walk_end && got > 0)
		violation("PAGEMAP_SCAN: regions end at %#lx, walk_end %#lx", at, walk_end);
}

static void read_mincore(size_t first, size_t n)
{
	static __thread unsigned char *vec;
	size_t i;

	if (!vec)
		vec = malloc(nregions * npages);
	if (mincore(mem + first * psize, n * psize, vec)) {
		violation("mincore: %s", strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		enum kind k = kind_of((first + i) / npages);

		if (k == S && !(vec[i] & 1))
			violation("mincore: S page %zu not resident", first + i);
		else if (k == V && (vec[i] & 1))
			violation("mincore: V page %zu resident", first + i);
	}
}

static void read_move_pages(unsigned int *s)
{
	void *pages[16];
	int status[16], i;
	size_t pg[16];

	for (i = 0; i < 16; i++) {
		pg[i] = rnd(s) % (nregions * npages);
		pages[i] = mem + pg[i] * psize;
	}
	if (syscall(SYS_move_pages, 0, 16, pages, NULL, status, 0)) {
		atomic_fetch_add(&skipped_movepages, 1);
		return;
	}
	for (i = 0; i < 16; i++) {
		enum kind k = kind_of(pg[i] / npages);

		if (k == S && status[i] < 0)
			violation("move_pages: S page %zu status %d", pg[i], status[i]);
		else if (k == V && status[i] >= 0)
			violation("move_pages: V page %zu on node %d", pg[i], status[i]);
	}
}

/* What a VMA [a, b) may have resident: its overlap with S, and with W. */
static void rss_bounds(unsigned long a, unsigned long b, unsigned long *lo,
		       unsigned long *hi)
{
	unsigned long start = (unsigned long)mem, r0, r1, x;
	int r;

	*lo = *hi = 0;
	for (r = 0; r < nregions; r++) {
		r0 = start + r * hpage;
		r1 = r0 + hpage;
		if (r1 <= a || r0 >= b)
			continue;
		x = ((b < r1 ? b : r1) - (a > r0 ? a : r0)) >> 10;
		if (kind_of(r) == S)
			*lo += x;
		if (kind_of(r) != V)
			*hi += x;
	}
}

/*
 * smaps walks every pmd of every VMA. Its text is not one snapshot (VMAs
 * split and merge between reads, so one may be shown twice), but each VMA's
 * entry is: its Rss is at least its part of S, and at most its part of S
 * and W. Nothing of V is ever resident. (smaps_rollup cannot be used here:
 * 6.1 skips a VMA each time it drops mmap_lock for a writer, see
 * Documentation/upstream-differences.rst.)
 */
static void read_smaps(void)
{
	unsigned long a = 0, b = 0, x, y, kb, lo, hi;
	char line[256];
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *dash = strchr(line, '-'), *sp = strchr(line, ' ');

		if (dash && sp && dash < sp &&
		    sscanf(line, "%lx-%lx ", &x, &y) == 2) {
			a = x;
			b = y;
		} else if (b > (unsigned long)mem &&
			   a < (unsigned long)mem + nregions * hpage &&
			   sscanf(line, "Rss: %lu kB", &kb) == 1) {
			rss_bounds(a, b, &lo, &hi);
			if (kb < lo || kb > hi)
				violation("smaps: VMA +%#lx-+%#lx Rss %lu kB, not within [%lu, %lu]",
					  a - (unsigned long)mem, b - (unsigned long)mem,
					  kb, lo, hi);
		}
	}
	fclose(f);
}

/*
 * mlock a W region on fault, and its S neighbour: mlock_pte_range() walks
 * their pmds. Not V: see "Open" in Documentation/stress.rst.
 */
static void read_mlock(unsigned int *s)
{
	int r = (rnd(s) % (nregions / 4)) * 4 + 2;

	if (syscall(SYS_mlock2, region(r), 2 * hpage, MLOCK_ONFAULT))
		return;
	munlock(region(r), 2 * hpage);
	read_pagemap("pagemap after mlock", r * npages, 2 * npages);
}

static void check_all(const char *who)
{
	read_pagemap(who, 0, nregions * npages);
}

static void *reader(void *arg)
{
	unsigned int s = seed0 ^ 0x5bd1e995 ^ (unsigned int)(uintptr_t)arg * 104729;
	unsigned long done = 0;

	pin((uintptr_t)arg % 2);
	/*
	 * Tight: mostly one entry, W 2's last page, so that each read walks
	 * one pmd: a skipped pmd hands out S 3's first (protected) entry.
	 */
	while (tight && !atomic_load(&stop)) {
		unsigned int x = rnd(&s) % 8;

		if (x < 6)
			read_pagemap("pagemap", 3 * npages - 1, 1);
		else if (x == 6)
			read_pagemap("pagemap", 0, 4 * npages);
		else
			read_scan(2 * npages, 2 * npages);
		done++;
	}
	while (!atomic_load(&stop)) {
		/* A window that starts in a region and ends after the next. */
		size_t first = (rnd(&s) % (nregions - 1)) * npages;
		size_t n = npages * (2 + rnd(&s) % 3);

		if (rnd(&s) % 2)
			first += rnd(&s) % npages;
		if (first + n > nregions * npages)
			n = nregions * npages - first;
		switch (rnd(&s) % 16) {
		case 0 ... 6:
			read_pagemap("pagemap", first, n);
			break;
		case 7 ... 11:
			read_scan(first, n);
			break;
		case 12 ... 13:
			read_mincore(first, n);
			break;
		case 14:
			if (rnd(&s) % 2)
				read_move_pages(&s);
			else
				read_mlock(&s);
			break;
		case 15:
			if (rnd(&s) % 8 == 0)
				read_smaps();
			else
				read_pagemap("pagemap", first, n);
			break;
		}
		done++;
	}
	atomic_fetch_add(&reads, done);
	return NULL;
}

/* --- setup -------------------------------------------------------------- */

static const char thp_path[] = "/sys/kernel/mm/transparent_hugepage/enabled";
static char thp_saved[32];

static void set_thp(const char *mode)
{
	char buf[128], *p, *q;
	FILE *f;

	if (!strcmp(mode, "keep"))
		return;
	f = fopen(thp_path, "r");
	if (!f || !fgets(buf, sizeof(buf), f)) {
		printf("# THP: %s unreadable, left alone\n", thp_path);
		if (f)
			fclose(f);
		return;
	}
	fclose(f);
	p = strchr(buf, '[');
	q = p ? strchr(p, ']') : NULL;
	if (p && q && q - p < (long)sizeof(thp_saved)) {
		memcpy(thp_saved, p + 1, q - p - 1);
		thp_saved[q - p - 1] = 0;
	}
	f = fopen(thp_path, "w");
	if (!f || fputs(mode, f) < 0 || fclose(f)) {
		printf("Bail out! cannot set THP to %s\n", mode);
		exit(1);
	}
}

static void restore_thp(void)
{
	FILE *f;

	if (!thp_saved[0])
		return;
	f = fopen(thp_path, "w");
	if (f) {
		fputs(thp_saved, f);
		fclose(f);
	}
}

static int setup(void)
{
	struct uffdio_api api = {
		.api = UFFD_API,
		.features = UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED,
	};
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_WP };
	size_t len = nregions * hpage;
	uint64_t e = 0;
	char *raw;
	int r;

	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api)) {
		printf("# SKIP: no async uffd-wp on unpopulated memory (%s)\n", strerror(errno));
		return 4;
	}
	raw = mmap(NULL, len + hpage, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (raw == MAP_FAILED) {
		printf("Bail out! mmap: %s\n", strerror(errno));
		return 1;
	}
	mem = (char *)(((unsigned long)raw + hpage - 1) & ~(hpage - 1));
	/* THP per the system setting (-H), not per a default of the VMA. */
	madvise(mem, len, MADV_HUGEPAGE);
	reg.range.start = (unsigned long)mem;
	reg.range.len = len;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg)) {
		printf("Bail out! UFFDIO_REGISTER: %s\n", strerror(errno));
		return 1;
	}
	pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
	if (pagemap_fd < 0) {
		printf("Bail out! pagemap: %s\n", strerror(errno));
		return 1;
	}
	for (r = 0; r < nregions; r++)
		if (kind_of(r) == S) {
			memset(region(r), 0x5a, hpage);
			wp(region(r), hpage, true);
		}
	/* What a marker reads as: arm V 0 and look. */
	wp(region(0), hpage, true);
	if (pread(pagemap_fd, &e, sizeof(e), (unsigned long)mem / psize * sizeof(e)) == sizeof(e) &&
	    (e & PM_SWAP) && (e & PM_UFFD_WP))
		marker_type = e & 0x1f;
	else
		printf("# no marker in V 0 after arming it: %#llx\n", (unsigned long long)e);
	return 0;
}

int main(int argc, char **argv)
{
	pthread_t th[2 * MAX_THREADS];
	int nc = 2, nr = 2, seconds = 10, opt, i, rc;
	const char *thp = "keep";
	struct timespec t0, t1;

	seed0 = time(NULL) ^ getpid();
	while ((opt = getopt(argc, argv, "t:s:H:c:r:n:vT")) != -1) {
		switch (opt) {
		case 't': seconds = atoi(optarg); break;
		case 's': seed0 = strtoul(optarg, NULL, 0); break;
		case 'H': thp = optarg; break;
		case 'c': nc = atoi(optarg); break;
		case 'r': nr = atoi(optarg); break;
		case 'n': nregions = atoi(optarg); break;
		case 'v': verbose = true; break;
		case 'T': tight = true; break;
		default:
			fprintf(stderr, "usage: %s [-t s] [-s seed] [-H always|never|keep] [-c n] [-r n] [-n regions] [-v] [-T]\n",
				argv[0]);
			return 2;
		}
	}
	if (nc < 1 || nc > MAX_THREADS || nr < 1 || nr > MAX_THREADS ||
	    nregions < 8 || nregions > 1024) {
		fprintf(stderr, "race: bad thread or region count\n");
		return 2;
	}
	nregions &= ~3;
	psize = sysconf(_SC_PAGESIZE);
	npages = hpage / psize;
	setvbuf(stdout, NULL, _IOLBF, 0);
	set_thp(thp);
	rc = setup();
	if (rc) {
		restore_thp();
		printf("race: 0 transitions, 0 reads, %d violations, seed %u\n",
		       rc == 4 ? 0 : 1, seed0);
		return rc;
	}
	printf("# race: %d regions of 2 MiB, %d changers, %d readers, THP %s, %d s, seed %u\n",
	       nregions, nc, nr, thp, seconds, seed0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < nc; i++)
		pthread_create(&th[i], NULL, changer, (void *)(uintptr_t)(i + 1));
	for (i = 0; i < nr; i++)
		pthread_create(&th[nc + i], NULL, reader, (void *)(uintptr_t)(i + 1));
	sleep(seconds);
	atomic_store(&stop, true);
	for (i = 0; i < nc + nr; i++)
		pthread_join(th[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* Everything quiet: one more look at the whole mapping. */
	check_all("final pagemap");
	for (i = 0; i < nregions; i += 2)
		read_scan(i * npages, 2 * npages);
	read_mincore(0, nregions * npages);
	read_smaps();
	restore_thp();
	if (atomic_load(&skipped_movepages))
		printf("# move_pages: not in this kernel (%lu calls skipped)\n",
		       atomic_load(&skipped_movepages));
	printf("# %.1f s: %.0f transitions/s, %.0f reads/s\n",
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	       atomic_load(&transitions) / ((t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec)),
	       atomic_load(&reads) / ((t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec)));
	printf("race: %lu transitions, %lu reads, %lu violations, seed %u\n",
	       atomic_load(&transitions), atomic_load(&reads),
	       atomic_load(&violations), seed0);
	return atomic_load(&violations) ? 1 : 0;
}
