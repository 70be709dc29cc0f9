// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty-tracking benchmark: PAGEMAP_SCAN harvest, soft-dirty, mprotect +
 * SIGSEGV, synchronous and asynchronous uffd-wp, WP_UNPOPULATED arming.
 *
 * Runs on any x86-64 kernel with the upstream ABI (6.7+, or 6.1 with this
 * series). Every result is one line on stdout:
 *
 *	bench: <metric> <median> <unit> n=<reps> min=<v> max=<v> raw=<v,v,...>
 *
 * and every failed self-check one "bench: error <what>" line. Each group
 * runs in a child process of its own, so that the measured address space
 * holds nothing but the measured range (soft-dirty's clear_refs walks the
 * whole mm).
 *
 *	bench [-q] [-g group,...] [-l]
 *	  -q  quick: smaller sizes and fewer repetitions (a smoke test)
 *	  -g  run only these groups (see -l)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>
#include <linux/userfaultfd.h>

/* The upstream ABI, for building against pre-6.7 uapi headers. */
#include "../stress/uapi_compat.h"
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ	22
#endif

#define PG		4096UL
#define KiB		1024UL
#define MiB		(1024UL * KiB)
#define GiB		(1024UL * MiB)
#define MAXREPS		64

static int quick;
static int errors;

/* ---------------------------------------------------------------- utils */

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void fail(const char *what)
{
	printf("bench: error %s: %s\n", what, strerror(errno));
	fflush(stdout);
	exit(1);
}

static void check(int ok, const char *metric, const char *fmt, long a, long b)
{
	if (ok)
		return;
	printf("bench: error %s: ", metric);
	printf(fmt, a, b);
	printf("\n");
	fflush(stdout);
	errors++;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* One metric: the median of the repetitions, plus the raw values. */
static void report(const char *metric, const char *unit, double *v, int n)
{
	double s[MAXREPS];
	int i;

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_dbl);
	printf("bench: %s %.4g %s n=%d min=%.4g max=%.4g raw=", metric,
	       n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2, unit, n,
	       s[0], s[n - 1]);
	for (i = 0; i < n; i++)
		printf("%s%.4g", i ? "," : "", v[i]);
	printf("\n");
	fflush(stdout);
}

/*
 * Anonymous memory at a 2 MiB-aligned address: how many page tables a
 * range needs, and whether its ends can be huge pages, must not depend
 * on where each kernel's mmap() happens to place it (6.7+ aligns large
 * anonymous mappings to 2 MiB, 6.1 does not).
 */
static char *map_anon(unsigned long len, int thp)
{
	unsigned long a = 2 * MiB, head;
	char *p = mmap(NULL, len + a, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		fail("mmap");
	head = (a - (unsigned long)p % a) % a;
	if (head)
		munmap(p, head);
	p += head;
	munmap(p + len, a - head);
	if (madvise(p, len, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
		fail("madvise(THP)");
	return p;
}

static void touch_all(char *p, unsigned long len)
{
	unsigned long off;

	for (off = 0; off < len; off += PG)
		*(volatile char *)(p + off) = 1;
}

/* Write every stride-th page: 100% is 1, 10% is 10, 1% is 100, 0% none. */
static unsigned long write_stride(char *p, unsigned long len, unsigned long stride)
{
	unsigned long off, n = 0;

	if (!stride)
		return 0;
	for (off = 0; off < len; off += stride * PG, n++)
		*(volatile char *)(p + off) = (char)(off >> 12);
	return n;
}

/* The "<key> <n> kB" line of a /proc file, e.g. "VmPTE: %ld kB". */
static long proc_kb(const char *path, const char *fmt)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		fail(path);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, fmt, &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static long vm_pte_kb(void)
{
	return proc_kb("/proc/self/status", "VmPTE: %ld kB");
}

/* A fixed pseudo-random order of n pages (same order on every kernel). */
static unsigned long *page_order(unsigned long n)
{
	unsigned long *o = malloc(n * sizeof(*o)), i, j, t;
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	if (!o)
		fail("malloc");
	for (i = 0; i < n; i++)
		o[i] = i;
	for (i = n - 1; i > 0; i--) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		j = x % (i + 1);
		t = o[i], o[i] = o[j], o[j] = t;
	}
	return o;
}

/* ----------------------------------------------------------- userfaultfd */

static int uffd_open(uint64_t features, int nonblock)
{
	struct uffdio_api api = { .api = UFFD_API, .features = features };
	int fd = syscall(__NR_userfaultfd, O_CLOEXEC | (nonblock ? O_NONBLOCK : 0));

	if (fd < 0)
		fail("userfaultfd");
	if (ioctl(fd, UFFDIO_API, &api))
		fail("UFFDIO_API");
	return fd;
}

static void uffd_register_wp(int fd, void *p, unsigned long len)
{
	struct uffdio_register r = {
		.range = { .start = (unsigned long)p, .len = len },
		.mode = UFFDIO_REGISTER_MODE_WP,
	};

	if (ioctl(fd, UFFDIO_REGISTER, &r))
		fail("UFFDIO_REGISTER");
}

static void uffd_wp(int fd, void *p, unsigned long len, int on)
{
	struct uffdio_writeprotect w = {
		.range = { .start = (unsigned long)p, .len = len },
		.mode = on ? UFFDIO_WRITEPROTECT_MODE_WP : 0,
	};

	if (ioctl(fd, UFFDIO_WRITEPROTECT, &w))
		fail("UFFDIO_WRITEPROTECT");
}

/* An async-uffd-wp tracked range, as Wine/Proton and CRIU set it up. */
static int track(char *p, unsigned long len)
{
	int fd = uffd_open(UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED, 1);

	uffd_register_wp(fd, p, len);
	return fd;
}

/*
 * What this kernel has: the groups measure what they can, and say
 * "bench: skip <what>" for the rest (e.g. on a 6.1 kernel without the
 * series, for a comparison of the base).
 */
static int have_async, have_scan, pagemap_fd;

static void probe(void)
{
	struct uffdio_api api = { .api = UFFD_API,
		.features = UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED };
	struct pm_scan_arg a = { .size = sizeof(a) };
	int fd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	have_async = fd >= 0 && !ioctl(fd, UFFDIO_API, &api);
	if (fd >= 0)
		close(fd);
	have_scan = !ioctl(pagemap_fd, PAGEMAP_SCAN, &a);
}

static int skip(const char *what, int have)
{
	if (!have)
		printf("bench: skip %s: not supported by this kernel\n", what);
	return !have;
}

/* ------------------------------------------------------------ PAGEMAP_SCAN */

static struct page_region *vec;
static unsigned long vec_len;

static void vec_alloc(unsigned long n)
{
	vec_len = n;
	vec = malloc(n * sizeof(*vec));
	if (!vec)
		fail("malloc");
}

/*
 * Written pages in [p, p+len), write-protecting them again when wp: the
 * "harvest" of Proton's GetWriteWatch(reset) and of a CRIU pre-dump
 * round. Returns the number of written pages found.
 */
static unsigned long scan_written(char *p, unsigned long len, int wp)
{
	struct pm_scan_arg a = {
		.size = sizeof(a),
		.flags = wp ? PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC : 0,
		.start = (unsigned long)p,
		.end = (unsigned long)p + len,
		.vec = (unsigned long)vec,
		.vec_len = vec_len,
		.category_mask = PAGE_IS_WRITTEN,
		.return_mask = PAGE_IS_WRITTEN,
	};
	unsigned long pages = 0;
	long n, i;

	for (;;) {
		n = ioctl(pagemap_fd, PAGEMAP_SCAN, &a);
		if (n < 0)
			fail("PAGEMAP_SCAN");
		for (i = 0; i < n; i++)
			pages += (vec[i].end - vec[i].start) / PG;
		if (a.walk_end >= a.end)
			return pages;
		a.start = a.walk_end;
	}
}

/* ------------------------------------------------------------------ groups */

static const unsigned long pcts[] = { 0, 1, 10, 100 };

static unsigned long stride_of(unsigned long pct)
{
	return pct ? 100 / pct : 0;
}

static const char *size_name(unsigned long len, char *buf)
{
	if (len >= GiB)
		sprintf(buf, "%luG", len / GiB);
	else
		sprintf(buf, "%luM", len / MiB);
	return buf;
}

/*
 * a. Harvest: PAGEMAP_SCAN get + write-protect over a populated range
 *    with 0, 1, 10 and 100% of its pages written since the last harvest.
 */
static void harvest_size(unsigned long len, int reps)
{
	unsigned long n = len / PG, got, want;
	char metric[64], sz[16];
	double v[MAXREPS], t;
	unsigned int i, r;
	char *p = map_anon(len, 0);

	track(p, len);
	vec_alloc(n / 2 + 1);
	touch_all(p, len);
	scan_written(p, len, 1);	/* arm */
	for (i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++) {
		snprintf(metric, sizeof(metric), "harvest.%s.%lupct",
			 size_name(len, sz), pcts[i]);
		for (r = 0; r < (unsigned int)reps; r++) {
			want = write_stride(p, len, stride_of(pcts[i]));
			t = now_ns();
			got = scan_written(p, len, 1);
			v[r] = (now_ns() - t) / n;
			check(got == want, metric, "found %ld written pages, wrote %ld",
			      got, want);
		}
		report(metric, "ns/page", v, reps);
	}
}

static void g_harvest(void)
{
	if (skip("harvest", have_async && have_scan))
		return;
	harvest_size(1 * MiB, quick ? 3 : 15);
	harvest_size(16 * MiB, quick ? 3 : 9);
	harvest_size((quick ? 32 : 256) * MiB, quick ? 3 : 5);
}

/*
 * Harvest of a sparse range: armed unpopulated (WP_UNPOPULATED markers),
 * one page written per 2 MiB. The CRIU / VM-snapshot shape.
 */
static void g_sparse(void)
{
	unsigned long sizes[] = { 1 * GiB, 16 * GiB }, len, got, want, off;
	char metric[64], sz[16];
	double v[MAXREPS], t;
	int reps = quick ? 2 : 3, r;
	unsigned int s;

	if (skip("harvest.sparse", have_async && have_scan))
		return;
	for (s = 0; s < 2; s++) {
		len = quick ? sizes[s] / 16 : sizes[s];
		char *p = map_anon(len, 0);
		int fd = track(p, len);

		vec_alloc(len / (2 * MiB) + 1);
		uffd_wp(fd, p, len, 1);	/* arm: markers everywhere */
		snprintf(metric, sizeof(metric), "harvest.sparse.%s",
			 size_name(len, sz));
		for (r = 0; r < reps; r++) {
			want = 0;
			for (off = 0; off < len; off += 2 * MiB, want++)
				*(volatile char *)(p + off) = (char)(off >> 12);
			t = now_ns();
			got = scan_written(p, len, 1);
			v[r] = (now_ns() - t) / 1e6;
			check(got == want, metric, "found %ld written pages, wrote %ld",
			      got, want);
		}
		report(metric, "ms", v, reps);
		close(fd);
		munmap(p, len);
		free(vec);
	}
}

/*
 * b. The old way: soft-dirty. A harvest is a read of /proc/PID/pagemap
 *    over the range (bit 55) plus "4" written to clear_refs.
 */
static unsigned long softdirty_harvest(int clear_fd, char *p, unsigned long n,
				       uint64_t *pm)
{
	unsigned long i, dirty = 0;
	size_t len = n * sizeof(*pm);

	if (pread(pagemap_fd, pm, len, (unsigned long)p / PG * sizeof(*pm)) != (ssize_t)len)
		fail("pread(pagemap)");
	for (i = 0; i < n; i++)
		dirty += (pm[i] >> 55) & 1;
	if (pwrite(clear_fd, "4", 1, 0) != 1)
		fail("clear_refs");
	return dirty;
}

static void softdirty_size(unsigned long len, const unsigned long *which, int nw, int reps)
{
	unsigned long n = len / PG, got, want;
	char metric[64], sz[16];
	double v[MAXREPS], t;
	int clear_fd = open("/proc/self/clear_refs", O_WRONLY);
	uint64_t *pm = malloc(n * sizeof(*pm));
	char *p = map_anon(len, 0);
	int i, r;

	if (clear_fd < 0 || !pm)
		fail("clear_refs");
	touch_all(p, len);
	softdirty_harvest(clear_fd, p, n, pm);
	for (i = 0; i < nw; i++) {
		snprintf(metric, sizeof(metric), "softdirty.%s.%lupct",
			 size_name(len, sz), which[i]);
		for (r = 0; r < reps; r++) {
			want = write_stride(p, len, stride_of(which[i]));
			t = now_ns();
			got = softdirty_harvest(clear_fd, p, n, pm);
			v[r] = (now_ns() - t) / n;
			check(got == want, metric, "found %ld soft-dirty pages, wrote %ld",
			      got, want);
		}
		report(metric, "ns/page", v, reps);
	}
	munmap(p, len);
	free(pm);
	close(clear_fd);
}

static void g_softdirty(void)
{
	static const unsigned long one[] = { 1 }, all[] = { 0, 1, 10, 100 };

	softdirty_size(1 * MiB, one, 1, quick ? 3 : 15);
	softdirty_size(16 * MiB, one, 1, quick ? 3 : 9);
	softdirty_size((quick ? 32 : 256) * MiB, all, 4, quick ? 3 : 5);
}

/*
 * Per-write costs: the first write to each of N pages (in a fixed random
 * order) after the range was armed, by T threads on disjoint pages.
 * Reported per write and per thread: flat when the mechanism scales.
 */
enum fault_kind { F_ANON, F_ASYNC, F_ASYNC_UNPOP, F_SYNC, F_SEGV, F_SOFTDIRTY };

static const char *const fault_name[] = {
	"fault.anon_zero", "fault.wp_async", "fault.wp_async_unpop",
	"fault.uffd_sync", "fault.sigsegv", "fault.softdirty",
};

struct worker {
	pthread_t tid;
	char *p;
	const unsigned long *order;
	unsigned long n;
	pthread_barrier_t *bar;
	double ns;
};

static void *writer(void *arg)
{
	struct worker *w = arg;
	unsigned long i;
	double t;

	if (w->bar)
		pthread_barrier_wait(w->bar);
	t = now_ns();
	for (i = 0; i < w->n; i++)
		*(volatile char *)(w->p + w->order[i] * PG) = (char)i;
	w->ns = now_ns() - t;
	return NULL;
}

/*
 * T threads write the pages of order[0..n) once each, in T disjoint
 * slices, all starting together: the mean over the threads of each
 * one's time per write.
 */
static double timed_writes(char *p, const unsigned long *order, unsigned long n, int threads)
{
	struct worker w[8];
	pthread_barrier_t bar;
	double sum = 0;
	int i;

	for (i = 0; i < threads; i++)
		w[i] = (struct worker){ .p = p, .order = order + i * (n / threads),
					.n = n / threads,
					.bar = threads > 1 ? &bar : NULL };
	if (threads == 1) {
		writer(&w[0]);
		return w[0].ns / w[0].n;
	}
	pthread_barrier_init(&bar, NULL, threads);
	for (i = 0; i < threads; i++)
		if (pthread_create(&w[i].tid, NULL, writer, &w[i]))
			fail("pthread_create");
	for (i = 0; i < threads; i++) {
		pthread_join(w[i].tid, NULL);
		sum += w[i].ns / w[i].n;
	}
	pthread_barrier_destroy(&bar);
	return sum / threads;
}

/* Wine's fallback: the handler makes the page writable and notes it. */
static volatile unsigned long segv_count;

static void segv_handler(int sig, siginfo_t *si, void *uc)
{
	unsigned long a = (unsigned long)si->si_addr & ~(PG - 1);

	(void)sig, (void)uc;
	if (mprotect((void *)a, PG, PROT_READ | PROT_WRITE))
		_exit(3);
	__atomic_fetch_add(&segv_count, 1, __ATOMIC_RELAXED);
}

/* The synchronous uffd-wp handler thread: un-protect and wake. */
static int sync_uffd, sync_stop[2];
static volatile unsigned long sync_count;

static void *sync_handler(void *arg)
{
	struct pollfd pfd[2] = { { .fd = sync_uffd, .events = POLLIN },
				 { .fd = sync_stop[0], .events = POLLIN } };
	struct uffd_msg msg;

	(void)arg;
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fail("poll");
		}
		if (pfd[1].revents)
			return NULL;
		if (read(sync_uffd, &msg, sizeof(msg)) != sizeof(msg)) {
			if (errno == EAGAIN)
				continue;
			fail("read(uffd)");
		}
		if (msg.event != UFFD_EVENT_PAGEFAULT ||
		    !(msg.arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WP))
			continue;
		/* Count first: un-protecting wakes the writer. */
		sync_count++;
		uffd_wp(sync_uffd, (void *)(msg.arg.pagefault.address & ~(PG - 1)), PG, 0);
	}
}

static void fault_bench(enum fault_kind k, unsigned long n, int threads, int reps)
{
	unsigned long len = n * PG, *order = page_order(n);
	char metric[64];
	double v[MAXREPS];
	int fd = -1, clear_fd = -1, r;
	pthread_t handler;
	char *p = map_anon(len, 0);
	uint64_t *pm = NULL;

	snprintf(metric, sizeof(metric), "%s.%dt", fault_name[k], threads);
	if ((k == F_ASYNC || k == F_ASYNC_UNPOP) && skip(metric, have_async && have_scan))
		return;
	switch (k) {
	case F_ANON:
		break;
	case F_ASYNC:
	case F_ASYNC_UNPOP:
		fd = track(p, len);
		break;
	case F_SYNC:
		sync_uffd = fd = uffd_open(0, 1);
		uffd_register_wp(fd, p, len);
		if (pipe(sync_stop) || pthread_create(&handler, NULL, sync_handler, NULL))
			fail("handler thread");
		break;
	case F_SEGV: {
		struct sigaction sa = { .sa_sigaction = segv_handler, .sa_flags = SA_SIGINFO };

		if (sigaction(SIGSEGV, &sa, NULL))
			fail("sigaction");
		break;
	}
	case F_SOFTDIRTY:
		clear_fd = open("/proc/self/clear_refs", O_WRONLY);
		pm = malloc(n * sizeof(*pm));
		if (clear_fd < 0 || !pm)
			fail("clear_refs");
		break;
	}
	touch_all(p, len);
	for (r = 0; r < reps; r++) {
		/* Arm, untimed. */
		switch (k) {
		case F_ANON:
			madvise(p, len, MADV_DONTNEED);
			break;
		case F_ASYNC:
			uffd_wp(fd, p, len, 1);
			break;
		case F_ASYNC_UNPOP:
			madvise(p, len, MADV_DONTNEED);
			uffd_wp(fd, p, len, 1);
			break;
		case F_SYNC:
			uffd_wp(fd, p, len, 1);
			sync_count = 0;
			break;
		case F_SEGV:
			if (mprotect(p, len, PROT_READ))
				fail("mprotect");
			segv_count = 0;
			break;
		case F_SOFTDIRTY:
			if (pwrite(clear_fd, "4", 1, 0) != 1)
				fail("clear_refs");
			break;
		}
		v[r] = timed_writes(p, order, n, threads);
		/* Check that each write went through the mechanism once. */
		if (k == F_SYNC)
			check(sync_count == n, metric, "%ld handled faults for %ld pages",
			      sync_count, n);
		if (k == F_SEGV)
			check(segv_count == n, metric, "%ld signals for %ld pages",
			      segv_count, n);
		if (k == F_ASYNC || k == F_ASYNC_UNPOP) {
			unsigned long got;

			vec_alloc(n);
			got = scan_written(p, len, 0);
			check(got == n, metric, "%ld written of %ld", got, n);
			free(vec);
		}
		if (k == F_SOFTDIRTY) {
			unsigned long got = softdirty_harvest(clear_fd, p, n, pm);

			check(got == n, metric, "soft-dirty pages %ld of %ld", got, n);
		}
	}
	report(metric, "ns/write", v, reps);
	if (k == F_SYNC) {
		if (write(sync_stop[1], "x", 1) != 1)
			fail("write");
		pthread_join(handler, NULL);
	}
	munmap(p, len);
	free(order);
}

/* Pages per measurement: fewer for the mechanisms that cost 20-100x more. */
static unsigned long fault_pages(enum fault_kind k)
{
	if (quick)
		return 256;
	return k == F_SYNC || k == F_SEGV ? 512 : 2048;
}

static void g_faults(void)
{
	int reps = quick ? 3 : 7, k;

	for (k = F_ANON; k <= F_SOFTDIRTY; k++)
		fault_bench(k, fault_pages(k), 1, reps);
}

/*
 * g. Threads: writers on both vCPUs (the other groups run on one). The
 *    cross-CPU parts (TLB shootdown IPIs of mprotect, wake-ups of the
 *    handler thread) make these the metrics most exposed to the host's
 *    load under TCG.
 */
static void g_threads(void)
{
	int reps = quick ? 3 : 7;
	cpu_set_t all;
	int c;

	CPU_ZERO(&all);
	for (c = 0; c < CPU_SETSIZE; c++)
		CPU_SET(c, &all);
	sched_setaffinity(0, sizeof(all), &all);
	fault_bench(F_ASYNC, fault_pages(F_ASYNC), 2, reps);
	fault_bench(F_SYNC, fault_pages(F_SYNC), 2, reps);
	fault_bench(F_SEGV, fault_pages(F_SEGV), 2, reps);
	fault_bench(F_ASYNC, fault_pages(F_ASYNC), 4, reps);
	fault_bench(F_SEGV, fault_pages(F_SEGV), 4, reps);
}

/*
 * f. WP_UNPOPULATED arming of a never-touched range (UFFDIO_WRITEPROTECT
 *    over empty page tables installs PTE markers): time per page and the
 *    page tables it costs (VmPTE), with THP on (MADV_HUGEPAGE) and off.
 *    For scale (g_populate): the pre-6.4 way, MADV_POPULATE_READ (zero
 *    pages, a huge zero page per 2 MiB with THP), then write-protect.
 */
/*
 * Every arming gets a fresh, 1 GiB-aligned slot of a reserved arena, so
 * that it allocates the same page tables on every kernel: its PTE tables
 * and the PMD table(s) of its slot. (Ranges mmap()ed anywhere would
 * reuse, or not, the page tables left by earlier ones, depending on each
 * kernel's placement and freeing of page tables: up to 3 pages for 1 MiB.)
 */
static char *arena;
static unsigned long arena_next;
#define ARENA_SLOTS	64

static char *arena_map(unsigned long len, int thp)
{
	unsigned long slot = (len + GiB - 1) / GiB;
	char *p;

	if (!arena) {
		arena = mmap(NULL, (ARENA_SLOTS + 1) * GiB, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (arena == MAP_FAILED)
			fail("mmap(arena)");
		arena += (GiB - (unsigned long)arena % GiB) % GiB;
	}
	if (arena_next + slot > ARENA_SLOTS)
		arena_next = 0;
	p = mmap(arena + arena_next * GiB, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
	if (p == MAP_FAILED)
		fail("mmap(slot)");
	arena_next += slot;
	if (madvise(p, len, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
		fail("madvise(THP)");
	return p;
}

/* Give the slot back to the arena: its page tables are freed. */
static void arena_unmap(char *p, unsigned long len)
{
	if (mmap(p, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
		 MAP_NORESERVE | MAP_FIXED, -1, 0) == MAP_FAILED)
		fail("mmap(unslot)");
}

static void arm_size(unsigned long len, int thp, int reps, int pte)
{
	char metric[64], sz[16];
	double v[MAXREPS], kb[MAXREPS], t;
	int r;

	for (r = 0; r < reps; r++) {
		char *p = arena_map(len, thp);
		int fd = track(p, len);
		long before = vm_pte_kb();

		t = now_ns();
		uffd_wp(fd, p, len, 1);
		v[r] = (now_ns() - t) / (len / PG);
		kb[r] = vm_pte_kb() - before;
		close(fd);
		arena_unmap(p, len);
	}
	snprintf(metric, sizeof(metric), "arm.unpop.%s.%s", size_name(len, sz),
		 thp ? "thp" : "nothp");
	report(metric, "ns/page", v, reps);
	if (pte) {
		snprintf(metric, sizeof(metric), "vmpte.unpop.%s.%s",
			 size_name(len, sz), thp ? "thp" : "nothp");
		report(metric, "kB", kb, reps);
	}
}

static void g_arm(void)
{
	unsigned long big = quick ? 1 * GiB : 16 * GiB;

	if (skip("arm.unpop", have_async))
		return;
	arm_size(1 * MiB, 0, quick ? 3 : 15, 1);
	arm_size(16 * MiB, 0, quick ? 3 : 9, 0);
	arm_size(256 * MiB, 0, quick ? 3 : 5, 0);
	arm_size(1 * GiB, 0, 3, 0);
	arm_size(big, 0, 3, 1);
	arm_size(big, 1, 3, 1);
}

static long mem_available_kb(void)
{
	return proc_kb("/proc/meminfo", "MemAvailable: %ld kB");
}

/*
 * Arming very large unpopulated ranges (64 GiB to 1 TiB): the VM-snapshot
 * and CRIU case that PMD-level markers are for. The range is armed 1 GiB
 * per call; when the page tables it has taken so far say that the rest
 * would not fit in half of MemAvailable, the kernel cannot arm it here and
 * the metric is skipped with the figure. Then one page per GiB is written
 * and harvested (get + write-protect), which must find exactly those.
 */
static void arm_huge(unsigned long len)
{
	unsigned long gibs = len / GiB, i, got;
	char metric[64], sz[16];
	double v, kb, h, t, total = 0;
	long before, avail = mem_available_kb(), need;
	char *p = map_anon(len, 0);
	int fd = track(p, len);

	size_name(len, sz);
	before = vm_pte_kb();
	for (i = 0; i < gibs; i++) {
		t = now_ns();
		uffd_wp(fd, p + i * GiB, GiB, 1);
		total += now_ns() - t;
		need = (vm_pte_kb() - before) / (long)(i + 1) * (long)(gibs - i - 1);
		if (need > avail / 2) {
			printf("bench: skip arm.unpop.%s.nothp: not armed: %ld kB of page tables after %lu GiB, %ld kB more needed, over half of MemAvailable (%ld kB)\n",
			       sz, vm_pte_kb() - before, i + 1, need, avail);
			close(fd);
			munmap(p, len);
			return;
		}
	}
	v = total / (len / PG);
	kb = vm_pte_kb() - before;
	snprintf(metric, sizeof(metric), "arm.unpop.%s.nothp", sz);
	report(metric, "ns/page", &v, 1);
	snprintf(metric, sizeof(metric), "vmpte.unpop.%s.nothp", sz);
	report(metric, "kB", &kb, 1);

	vec_alloc(gibs + 1);
	for (i = 0; i < gibs; i++)
		*(volatile char *)(p + i * GiB + (i * 7919 % (GiB / PG)) * PG) = 1;
	t = now_ns();
	got = scan_written(p, len, 1);
	h = (now_ns() - t) / 1e6;
	snprintf(metric, sizeof(metric), "harvest.gib.%s", sz);
	check(got == gibs, metric, "found %ld written pages, wrote %ld", got, gibs);
	report(metric, "ms", &h, 1);
	free(vec);
	close(fd);
	munmap(p, len);
}

static void g_bigarm(void)
{
	if (skip("arm.unpop (64 GiB - 1 TiB)", have_async && have_scan))
		return;
	arm_huge(64 * GiB);
	if (quick)
		return;
	arm_huge(256 * GiB);
	arm_huge(1024 * GiB);
}

static void g_populate(void)
{
	unsigned long len = (quick ? 32 : 256) * MiB;
	char metric[64], sz[16];
	double v[MAXREPS], w[MAXREPS], t;
	int r, reps = 3, thp;

	for (thp = 0; thp < 2; thp++) {
		for (r = 0; r < reps; r++) {
			char *p = map_anon(len, thp);
			int fd = uffd_open(0, 1);

			uffd_register_wp(fd, p, len);
			t = now_ns();
			if (madvise(p, len, MADV_POPULATE_READ))
				fail("MADV_POPULATE_READ");
			v[r] = (now_ns() - t) / (len / PG);
			t = now_ns();
			uffd_wp(fd, p, len, 1);
			w[r] = (now_ns() - t) / (len / PG);
			close(fd);
			munmap(p, len);
		}
		snprintf(metric, sizeof(metric), "populate_read.%s.%s",
			 size_name(len, sz), thp ? "thp" : "nothp");
		report(metric, "ns/page", v, reps);
		snprintf(metric, sizeof(metric), "arm.zeropage.%s.%s",
			 size_name(len, sz), thp ? "thp" : "nothp");
		report(metric, "ns/page", w, reps);
	}
}

/*
 * Fixed costs per call, to tell a kernel's per-call overhead from its
 * per-page cost: a null system call, PAGEMAP_SCAN over nothing and over
 * one page, UFFDIO_WRITEPROTECT of one page.
 */
static void g_calls(void)
{
	int reps = quick ? 3 : 9, loops = quick ? 200 : 2000, r, i;
	double v[MAXREPS], t;
	char *p = map_anon(PG, 0);
	int fd;

	for (r = 0; r < reps; r++) {
		t = now_ns();
		for (i = 0; i < loops; i++)
			syscall(__NR_getppid);
		v[r] = (now_ns() - t) / loops;
	}
	report("call.getppid", "ns/call", v, reps);
	if (skip("call.scan", have_async && have_scan))
		return;
	fd = track(p, PG);
	vec_alloc(16);
	touch_all(p, PG);
	for (r = 0; r < reps; r++) {
		t = now_ns();
		for (i = 0; i < loops; i++)
			scan_written(p, 0, 0);
		v[r] = (now_ns() - t) / loops;
	}
	report("call.scan_empty", "ns/call", v, reps);
	for (r = 0; r < reps; r++) {
		t = now_ns();
		for (i = 0; i < loops; i++)
			scan_written(p, PG, 1);
		v[r] = (now_ns() - t) / loops;
	}
	report("call.scan_1page", "ns/call", v, reps);
	for (r = 0; r < reps; r++) {
		t = now_ns();
		for (i = 0; i < loops; i++)
			uffd_wp(fd, p, PG, i & 1);
		v[r] = (now_ns() - t) / loops;
	}
	report("call.wp_1page", "ns/call", v, reps);
}

/* ------------------------------------------------------------------ main */

static const struct {
	const char *name;
	void (*fn)(void);
} groups[] = {
	{ "calls", g_calls },
	{ "harvest", g_harvest },
	{ "softdirty", g_softdirty },
	{ "sparse", g_sparse },
	{ "faults", g_faults },
	{ "threads", g_threads },
	{ "arm", g_arm },
	{ "bigarm", g_bigarm },
	{ "populate", g_populate },
};

static int wanted(const char *list, const char *name)
{
	size_t l = strlen(name);
	const char *s;

	if (!list)
		return 1;
	for (s = list; (s = strstr(s, name)); s += l)
		if ((s == list || s[-1] == ',') && (s[l] == ',' || !s[l]))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	unsigned int i;
	int c, status, bad = 0;

	while ((c = getopt(argc, argv, "qg:l")) != -1) {
		switch (c) {
		case 'q':
			quick = 1;
			break;
		case 'g':
			only = optarg;
			break;
		case 'l':
			for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
				printf("%s\n", groups[i].name);
			return 0;
		default:
			fprintf(stderr, "usage: %s [-q] [-g group,...] [-l]\n", argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		pid_t pid;
		double t;

		if (!wanted(only, groups[i].name))
			continue;
		t = now_ns();
		pid = fork();
		if (pid < 0)
			fail("fork");
		if (!pid) {
			pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
			if (pagemap_fd < 0)
				fail("/proc/self/pagemap");
			probe();
			/*
			 * One CPU, so that single-threaded metrics (including
			 * the sync uffd handler thread's round trip) involve
			 * no cross-CPU IPI or wake-up: under TCG those wait
			 * for the host to schedule the other vCPU's thread.
			 */
			{
				cpu_set_t one;

				CPU_ZERO(&one);
				CPU_SET(0, &one);
				sched_setaffinity(0, sizeof(one), &one);
			}
			groups[i].fn();
			exit(errors ? 1 : 0);
		}
		if (waitpid(pid, &status, 0) < 0)
			fail("waitpid");
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			printf("bench: error group %s: status 0x%x\n", groups[i].name, status);
			bad = 1;
		}
		printf("# group %s: %.1f s\n", groups[i].name, (now_ns() - t) / 1e9);
	}
	return bad;
}
