// SPDX-License-Identifier: GPL-2.0
/*
 * stress: does an async uffd-wp + PAGEMAP_SCAN dirty tracker see every write?
 *
 * Writer threads write random words of tracked regions (private and shared
 * anonymous memory, hugetlb, a shared and a private file mapping). A
 * tracker keeps a snapshot of every region, the way a live-migration or
 * incremental-dump tool does: it asks the kernel which pages were written,
 * write-protects them again and copies them. A chaos thread meanwhile
 * forks, zaps, swaps out, collapses and splits huge pages, mprotects part
 * of a range, mremaps and munmaps pages and maps them again, and triggers
 * compaction (page migration).
 *
 * Every epoch ends with everything stopped and one more scan; then the
 * snapshot must equal memory (a page that differs holds a write the
 * tracker never heard of), and memory must hold what the writers wrote.
 * Even epochs re-arm inside the scan (PM_SCAN_WP_MATCHING), odd ones scan
 * and then re-arm with UFFDIO_WRITEPROTECT.
 *
 * The tool needs only the upstream ABI (Linux 6.7+ or a kernel with the
 * backport). Its last line is "stress: N ops, M violations, seed S"; a run
 * is reproduced (thread timing aside) with -s S.
 *
 *   stress [-t seconds] [-n max_ops] [-s seed] [-d dir] [-w writers] [-v] [-x]
 *
 * -x makes the tracker forget one report in 64: the run must then find
 * violations, which shows that the checker can see a lost write.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
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

#define CHUNK_PAGES	64		/* lock and chaos granule (non-hugetlb) */
#define MAX_WRITERS	8
#define MAX_REGIONS	6
#define NR_OUT		1024

struct region {
	const char *name;
	int fd;				/* -1 for anonymous memory */
	int flags;			/* mmap flags */
	bool private;			/* a zap or remap brings back zeroes */
	bool hugetlb;
	size_t len, gran;		/* gran: lock/chaos granule */
	size_t nchunks;
	char *mem;
	char *snap;			/* the tracker's copy */
	uint64_t *model;		/* what the writers wrote */
	pthread_rwlock_t *locks;	/* per granule: writers share, chaos owns */
	atomic_uchar *force;		/* per granule: copy it at the next scan */
};

static struct region regions[MAX_REGIONS];
static int nr_regions;
static long psize;
static size_t hpage;
static int uffd, pagemap;
static unsigned int seed, seed0;	/* seed0: as given, to print */
static int nr_writers = 3;
static bool verbose;
static bool inject;		/* -x: drop some reports, to see the checker fire */
static unsigned int inject_seed;
static atomic_long violations;

/* Pause protocol: the tracker stops the others at the end of an epoch. */
static atomic_int paused, parked, stop;
static atomic_long nr_writes, nr_scans, nr_chaos, nr_chaos_kind[10];

static const char * const chaos_names[10] = {
	"dontneed", "pageout", "collapse", "mprotect", "fork",
	"mremap", "munmap", "compact", "thp-flags", "wp-range",
};

static void violation(const char *fmt, ...)
{
	va_list ap;

	if (atomic_fetch_add(&violations, 1) >= 20)
		return;
	printf("VIOLATION (seed %u): ", seed0);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static void die(const char *what)
{
	printf("stress: %s: %s\n", what, strerror(errno));
	printf("stress: 0 ops, 1 violations, seed %u\n", seed0);
	exit(2);
}

static int uffd_ioctl_range(unsigned long req, char *p, size_t len, uint64_t mode)
{
	if (req == UFFDIO_REGISTER) {
		struct uffdio_register r = {
			.range = { (unsigned long)p, len }, .mode = mode,
		};
		return ioctl(uffd, req, &r) ? -errno : 0;
	} else {
		struct uffdio_writeprotect w = {
			.range = { (unsigned long)p, len }, .mode = mode,
		};
		return ioctl(uffd, req, &w) ? -errno : 0;
	}
}

/* Register and write-protect [p, p + len): a fresh VMA joins the tracking. */
static void track(char *p, size_t len)
{
	if (uffd_ioctl_range(UFFDIO_REGISTER, p, len, UFFDIO_REGISTER_MODE_WP) ||
	    uffd_ioctl_range(UFFDIO_WRITEPROTECT, p, len, UFFDIO_WRITEPROTECT_MODE_WP))
		violation("register/protect %p+%#zx: %s\n", p, len, strerror(errno));
}

static char *map_region(struct region *r, char *at)
{
	int fixed = at ? MAP_FIXED : 0;
	char *p = mmap(at, r->len, PROT_READ | PROT_WRITE, r->flags | fixed, r->fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Reserve 2 * len aligned to a huge page: the second half receives mremap. */
static char *reserve(size_t len)
{
	char *p = mmap(NULL, 2 * len + hpage, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	return (char *)(((unsigned long)p + hpage - 1) & ~(hpage - 1));
}

static void add_region(const char *name, int fd, int flags, size_t len)
{
	struct region *r = &regions[nr_regions];
	char *at = reserve(len);
	size_t i;

	r->name = name;
	r->fd = fd;
	r->flags = flags;
	r->private = flags & MAP_PRIVATE;
	r->hugetlb = flags & MAP_HUGETLB;
	r->len = len;
	r->gran = r->hugetlb ? hpage : CHUNK_PAGES * (size_t)psize;
	r->nchunks = len / r->gran;
	if (!at || !(r->mem = map_region(r, at))) {
		printf("# %s: cannot map (%s), skipped\n", name, strerror(errno));
		return;
	}
	if (flags & MAP_ANONYMOUS && !r->hugetlb)
		madvise(r->mem, len, MADV_HUGEPAGE);
	memset(r->mem, 0, len);
	r->snap = calloc(1, len);
	r->model = calloc(len / 8, 8);
	r->locks = calloc(r->nchunks, sizeof(*r->locks));
	r->force = calloc(r->nchunks, sizeof(*r->force));
	if (!r->snap || !r->model || !r->locks || !r->force)
		die("calloc");
	for (i = 0; i < r->nchunks; i++)
		pthread_rwlock_init(&r->locks[i], NULL);
	track(r->mem, len);
	nr_regions++;
}

static int open_file(const char *dir, const char *name, size_t len)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	unlink(path);
	if (ftruncate(fd, len)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- writers ---- */

static void park(void)
{
	atomic_fetch_add(&parked, 1);
	while (atomic_load(&paused) && !atomic_load(&stop))
		usleep(200);
	atomic_fetch_sub(&parked, 1);
}

static void *writer(void *arg)
{
	long id = (long)arg;
	unsigned int s = seed * 31 + id;
	uint64_t n = 0;

	while (!atomic_load(&stop)) {
		struct region *r = &regions[rand_r(&s) % nr_regions];
		size_t words = psize / 8, page = rand_r(&s) % (r->len / psize);
		/* Each writer owns the words w with w % nr_writers == id. */
		size_t w = page * words + (rand_r(&s) % (words / nr_writers)) * nr_writers + id;
		pthread_rwlock_t *lock = &r->locks[w * 8 / r->gran];

		if (atomic_load(&paused)) {
			park();
			continue;
		}
		pthread_rwlock_rdlock(lock);
		n++;
		r->model[w] = n;
		__atomic_store_n((uint64_t *)r->mem + w, n, __ATOMIC_RELAXED);
		pthread_rwlock_unlock(lock);
		atomic_fetch_add(&nr_writes, 1);
		/* Bursts and pauses: a page may stay clean for many scans. */
		if (n % 16 == 0)
			usleep(rand_r(&s) % 1000);
	}
	return NULL;
}

/* ---- the tracker ---- */

static long scan(struct pm_scan_arg *arg)
{
	long ret = ioctl(pagemap, PAGEMAP_SCAN, arg);

	return ret < 0 ? -errno : ret;
}

/* Copy [start, end) into the snapshot, under the granules' locks unless @locked. */
static void copy_range(struct region *r, unsigned long start, unsigned long end, bool locked)
{
	unsigned long base = (unsigned long)r->mem, a = start;

	while (a < end) {
		size_t c = (a - base) / r->gran;
		unsigned long cend = base + (c + 1) * r->gran;

		if (cend > end)
			cend = end;
		if (!locked)
			pthread_rwlock_rdlock(&r->locks[c]);
		memcpy(r->snap + (a - base), (void *)a, cend - a);
		if (!locked)
			pthread_rwlock_unlock(&r->locks[c]);
		a = cend;
	}
}

/*
 * Which pages of [start, end) were written; re-arm them in the same walk
 * if @wp. Copies what was reported. A malformed answer is a violation.
 */
static long scan_and_copy(struct region *r, unsigned long start, unsigned long end, bool wp,
			  struct page_region *out)
{
	struct pm_scan_arg arg = {
		.size = sizeof(arg), .start = start, .end = end,
		.vec = (unsigned long)out, .vec_len = NR_OUT,
		.category_mask = PAGE_IS_WRITTEN, .return_mask = PAGE_IS_WRITTEN,
		.flags = wp ? PM_SCAN_WP_MATCHING : 0,
	};
	unsigned long prev = start;
	long ret, i;

	for (;;) {
		ret = scan(&arg);
		if (ret < 0) {
			violation("%s: PAGEMAP_SCAN: %s\n", r->name, strerror(-ret));
			return ret;
		}
		for (i = 0; i < ret; i++) {
			if (out[i].start < prev || out[i].end <= out[i].start ||
			    out[i].end > end || out[i].categories != PAGE_IS_WRITTEN)
				violation("%s: bad region %#llx-%#llx (%#llx)\n", r->name,
					  out[i].start, out[i].end, out[i].categories);
			prev = out[i].end;
			if (inject && rand_r(&inject_seed) % 64 == 0)
				continue;
			if (!wp) {
				/* Re-arm before copying: later writes fault again. */
				int err = uffd_ioctl_range(UFFDIO_WRITEPROTECT,
							   (char *)out[i].start,
							   out[i].end - out[i].start,
							   UFFDIO_WRITEPROTECT_MODE_WP);
				if (err)
					violation("%s: UFFDIO_WRITEPROTECT: %s\n",
						  r->name, strerror(-err));
			}
			/* Without WP_MATCHING the caller holds the granule's lock. */
			copy_range(r, out[i].start, out[i].end, !wp);
		}
		if (arg.walk_end >= end)
			return 0;
		/* The output array was full: go on from where the walk stopped. */
		arg.start = arg.walk_end;
	}
}

static void copy_forced(struct region *r)
{
	size_t c;

	for (c = 0; c < r->nchunks; c++) {
		if (!atomic_exchange(&r->force[c], 0))
			continue;
		copy_range(r, (unsigned long)r->mem + c * r->gran,
			   (unsigned long)r->mem + (c + 1) * r->gran, false);
	}
}

/*
 * One tracker pass over every region. With @wp the kernel re-arms inside the
 * scan over the whole region, racing the chaos thread. Otherwise each
 * granule is scanned and re-armed with UFFDIO_WRITEPROTECT under its lock,
 * as scan-then-protect is only safe while the layout holds still.
 */
static void track_pass(bool wp)
{
	static struct page_region out[NR_OUT];
	int i;

	for (i = 0; i < nr_regions; i++) {
		struct region *r = &regions[i];
		unsigned long base = (unsigned long)r->mem;
		size_t c;

		/* Forced copies first: their re-arm happened before. */
		copy_forced(r);
		if (wp) {
			scan_and_copy(r, base, base + r->len, true, out);
		} else {
			for (c = 0; c < r->nchunks; c++) {
				pthread_rwlock_rdlock(&r->locks[c]);
				scan_and_copy(r, base + c * r->gran, base + (c + 1) * r->gran,
					      false, out);
				pthread_rwlock_unlock(&r->locks[c]);
			}
		}
		atomic_fetch_add(&nr_scans, 1);
	}
}

/* Everything is stopped: the snapshot must be memory, memory the model. */
static void check_epoch(long epoch)
{
	long lost = 0, corrupt = 0;
	size_t p, w;
	int i;

	for (i = 0; i < nr_regions; i++) {
		struct region *r = &regions[i];
		size_t words = psize / 8;

		for (p = 0; p < r->len / psize; p++) {
			uint64_t *mem = (uint64_t *)(r->mem + p * psize);

			if (memcmp(mem, r->snap + p * psize, psize)) {
				if (!lost++)
					violation("%s: epoch %ld: page %zu written but never reported\n",
						  r->name, epoch, p);
			}
			for (w = 0; w < words; w++) {
				if (mem[w] == r->model[p * words + w])
					continue;
				if (!corrupt++)
					violation("%s: epoch %ld: page %zu word %zu is %#llx, wrote %#llx\n",
						  r->name, epoch, p, w,
						  (unsigned long long)mem[w],
						  (unsigned long long)r->model[p * words + w]);
				break;
			}
		}
		if (lost || corrupt)
			violation("%s: epoch %ld: %ld pages lost, %ld corrupt\n",
				  r->name, epoch, lost, corrupt);
		lost = corrupt = 0;
	}
}

/* ---- chaos ---- */

static struct region *pick(unsigned int *s, size_t *c0, size_t *nc)
{
	struct region *r = &regions[rand_r(s) % nr_regions];
	size_t per_hpage = hpage / r->gran;

	/*
	 * Now and then a whole aligned huge page: emptied whole and armed
	 * again, it gets a PMD-level marker where the kernel has them.
	 */
	if (per_hpage > 1 && r->nchunks >= per_hpage && rand_r(s) % 4 == 0) {
		*c0 = rand_r(s) % (r->nchunks / per_hpage) * per_hpage;
		*nc = per_hpage;
		return r;
	}
	*c0 = rand_r(s) % r->nchunks;
	*nc = 1 + rand_r(s) % (r->nchunks - *c0 < 4 ? r->nchunks - *c0 : 4);
	return r;
}

static void lock_chunks(struct region *r, size_t c0, size_t nc, bool lock)
{
	size_t c;

	for (c = c0; c < c0 + nc; c++) {
		if (lock)
			pthread_rwlock_wrlock(&r->locks[c]);
		else
			pthread_rwlock_unlock(&r->locks[c]);
	}
}

/* The contents of a private range are gone: they read zero from now on. */
static void zeroed(struct region *r, char *p, size_t len)
{
	memset(r->model + (p - r->mem) / 8, 0, len);
}

static void force(struct region *r, size_t c0, size_t nc)
{
	size_t c;

	for (c = c0; c < c0 + nc; c++)
		atomic_store(&r->force[c], 1);
}

static void child_checks(struct region *r)
{
	uint64_t e;
	struct pm_scan_arg arg = {
		.size = sizeof(arg), .start = (unsigned long)r->mem,
		.end = (unsigned long)r->mem + r->len,
		.flags = PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC,
		.category_mask = PAGE_IS_WRITTEN, .return_mask = PAGE_IS_WRITTEN,
	};
	int fd = open("/proc/self/pagemap", O_RDONLY);
	size_t p;

	if (fd < 0)
		_exit(2);
	/* No UFFD_FEATURE_EVENT_FORK: the child's copy is untracked. */
	for (p = 0; p < r->len / psize; p++) {
		if (pread(fd, &e, 8, ((unsigned long)r->mem / psize + p) * 8) != 8)
			_exit(3);
		if (e & (1ULL << 57))
			_exit(4);
	}
	if (ioctl(fd, PAGEMAP_SCAN, &arg) != -1 || errno != EPERM)
		_exit(5);
	/* Break CoW in the child under the parent's writers. */
	for (p = 0; r->private && p < r->len; p += 7 * psize)
		r->mem[p] ^= 1;
	_exit(0);
}

static void chaos_op(unsigned int *s)
{
	int kind = rand_r(s) % 10;
	size_t c0, nc;
	struct region *r = pick(s, &c0, &nc);
	char *p = r->mem + c0 * r->gran, *q;
	size_t len = nc * r->gran;
	int status;
	pid_t pid;

	switch (kind) {
	case 0:		/* zap */
		lock_chunks(r, c0, nc, true);
		if (madvise(p, len, MADV_DONTNEED))
			violation("%s: MADV_DONTNEED: %s\n", r->name, strerror(errno));
		if (r->private)
			zeroed(r, p, len);
		/*
		 * Upstream semantics: in a private file mapping the zap leaves
		 * a uffd-wp marker where a protected CoW copy was, as for any
		 * file VMA, so reverting to the file's data is not reported.
		 * The tracker has to learn of it otherwise: copy again.
		 */
		if (r->private && r->fd >= 0)
			force(r, c0, nc);
		lock_chunks(r, c0, nc, false);
		break;
	case 1:		/* swap out (not hugetlb) */
		if (!r->hugetlb)
			madvise(p, len, MADV_PAGEOUT);
		break;
	case 2:		/* collapse the huge page around p; refused while tracked */
		madvise((char *)((unsigned long)p & ~(hpage - 1)), hpage, MADV_COLLAPSE);
		break;
	case 3:		/* read-only then back: splits the VMA and any THP */
		lock_chunks(r, c0, nc, true);
		q = p + (r->hugetlb ? 0 : (rand_r(s) % CHUNK_PAGES) * psize);
		if (mprotect(q, p + len - q, PROT_READ) ||
		    mprotect(q, p + len - q, PROT_READ | PROT_WRITE))
			violation("%s: mprotect: %s\n", r->name, strerror(errno));
		lock_chunks(r, c0, nc, false);
		break;
	case 4:		/* fork */
		pid = fork();
		if (pid == 0)
			child_checks(r);
		if (pid < 0 || waitpid(pid, &status, 0) != pid ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			violation("%s: fork child: status %#x\n", r->name, status);
		break;
	case 5:		/* move away and back: no EVENT_REMAP, so re-register */
		lock_chunks(r, c0, nc, true);
		q = mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, p + r->len);
		if (q == MAP_FAILED && errno == EFAULT) {
			/* The range spans VMAs (some kernels refuse): one page. */
			len = r->hugetlb ? hpage : (size_t)psize;
			q = mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, p + r->len);
		}
		if (q == MAP_FAILED ||
		    mremap(q, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, p) != p)
			die("mremap");
		track(p, len);
		force(r, c0, nc);
		lock_chunks(r, c0, nc, false);
		break;
	case 6:		/* unmap and map again */
		lock_chunks(r, c0, nc, true);
		munmap(p, len);
		q = mmap(p, len, PROT_READ | PROT_WRITE, r->flags | MAP_FIXED, r->fd,
			 r->fd < 0 ? 0 : c0 * r->gran);
		if (q != p)
			die("mmap");
		if (r->private)
			zeroed(r, p, len);
		track(p, len);
		force(r, c0, nc);
		lock_chunks(r, c0, nc, false);
		break;
	case 7:		/* migrate: compaction moves pages, rarely as it is slow */
		if (rand_r(s) % 8 == 0) {
			int fd = open("/proc/sys/vm/compact_memory", O_WRONLY);

			if (fd >= 0) {
				if (write(fd, "1", 1) != 1)
					kind = -1;
				close(fd);
			}
		}
		break;
	case 8:		/* a VMA boundary inside a THP splits it */
		if (!r->hugetlb && r->fd < 0 && r->private) {
			q = p + (1 + rand_r(s) % (CHUNK_PAGES - 1)) * psize;
			madvise(q, p + len - q, MADV_NOHUGEPAGE);
			madvise(r->mem, r->len, MADV_HUGEPAGE);
		}
		break;
	case 9:		/* re-arm part of the region behind the tracker's back */
		lock_chunks(r, c0, nc, true);
		/* Protecting without copying would lose writes: force a copy. */
		if (uffd_ioctl_range(UFFDIO_WRITEPROTECT, p, len, UFFDIO_WRITEPROTECT_MODE_WP))
			violation("%s: UFFDIO_WRITEPROTECT: %s\n", r->name, strerror(errno));
		force(r, c0, nc);
		lock_chunks(r, c0, nc, false);
		break;
	}
	if (kind >= 0)
		atomic_fetch_add(&nr_chaos_kind[kind], 1);
	atomic_fetch_add(&nr_chaos, 1);
}

static void *chaos(void *arg)
{
	unsigned int s = seed * 7 + 1;

	(void)arg;
	while (!atomic_load(&stop)) {
		if (atomic_load(&paused)) {
			park();
			continue;
		}
		chaos_op(&s);
		usleep(rand_r(&s) % 2000);
	}
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long total_ops(void)
{
	return atomic_load(&nr_writes) + atomic_load(&nr_scans) + atomic_load(&nr_chaos);
}

static void watchdog(int sig)
{
	static const char msg[] = "stress: watchdog expired, the run hangs\n";

	(void)sig;
	if (write(1, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(3);
}

int main(int argc, char **argv)
{
	double seconds = 20, t0, epoch_len = 2;
	long max_ops = 0, epoch = 0;
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_WP_ASYNC };
	pthread_t threads[MAX_WRITERS + 1];
	const char *dir = ".";
	size_t len = 4UL << 20;
	int opt, i, fd;

	seed = time(NULL) ^ getpid();
	while ((opt = getopt(argc, argv, "t:n:s:d:w:vx")) != -1) {
		switch (opt) {
		case 't': seconds = atof(optarg); break;
		case 'n': max_ops = atol(optarg); break;
		case 's': seed = strtoul(optarg, NULL, 0); break;
		case 'd': dir = optarg; break;
		case 'w': nr_writers = atoi(optarg); break;
		case 'v': verbose = true; break;
		case 'x': inject = true; break;
		default:
			fprintf(stderr, "usage: %s [-t s] [-n ops] [-s seed] [-d dir] [-w writers] [-v] [-x]\n",
				argv[0]);
			return 2;
		}
	}
	if (nr_writers < 1 || nr_writers > MAX_WRITERS)
		nr_writers = 3;
	seed0 = seed;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# stress: seed %u, %.0f s, %d writers\n", seed, seconds, nr_writers);
	signal(SIGALRM, watchdog);
	alarm(seconds + 300);
	psize = getpagesize();
	hpage = 2UL << 20;
	srand(seed);

	pagemap = open("/proc/self/pagemap", O_RDONLY);
	uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (pagemap < 0 || uffd < 0)
		die("pagemap/userfaultfd");
	if (ioctl(uffd, UFFDIO_API, &api))
		die("UFFDIO_API with UFFD_FEATURE_WP_ASYNC");

	add_region("anon", -1, MAP_PRIVATE | MAP_ANONYMOUS, len);
	/* A memfd rather than MAP_ANONYMOUS: a remap finds the same pages. */
	fd = memfd_create("stress-shmem", 0);
	if (fd >= 0 && !ftruncate(fd, len))
		add_region("shmem", fd, MAP_SHARED, len);
	fd = memfd_create("stress-hugetlb", MFD_HUGETLB);
	if (fd >= 0 && !ftruncate(fd, len))
		add_region("hugetlb", fd, MAP_SHARED | MAP_HUGETLB, len);
	else
		printf("# hugetlb: no huge pages, skipped\n");
	fd = open_file(dir, "stress.shared", len);
	if (fd >= 0)
		add_region("file-shared", fd, MAP_SHARED, len);
	fd = open_file(dir, "stress.private", len);
	if (fd >= 0)
		add_region("file-private", fd, MAP_PRIVATE, len);
	for (i = 0; i < nr_regions; i++)
		printf("# region %s: %zu KiB at %p\n", regions[i].name, regions[i].len >> 10,
		       regions[i].mem);

	for (i = 0; i < nr_writers; i++)
		pthread_create(&threads[i], NULL, writer, (void *)(long)i);
	pthread_create(&threads[nr_writers], NULL, chaos, NULL);

	t0 = now();
	while (now() - t0 < seconds && (!max_ops || total_ops() < max_ops) &&
	       atomic_load(&violations) < 20) {
		double e0 = now();
		bool wp = !(epoch & 1);

		while (now() - e0 < epoch_len && now() - t0 < seconds) {
			track_pass(wp);
			usleep(500);
		}
		/* Stop the world: writers and chaos park, then one last pass. */
		atomic_store(&paused, 1);
		while (atomic_load(&parked) < nr_writers + 1)
			usleep(200);
		track_pass(wp);
		check_epoch(epoch);
		if (verbose)
			printf("# epoch %ld (%s): %ld writes, %ld scans, %ld chaos\n", epoch,
			       wp ? "WP_MATCHING" : "UFFDIO_WRITEPROTECT",
			       atomic_load(&nr_writes), atomic_load(&nr_scans),
			       atomic_load(&nr_chaos));
		epoch++;
		atomic_store(&paused, 0);
	}
	atomic_store(&stop, 1);
	for (i = 0; i <= nr_writers; i++)
		pthread_join(threads[i], NULL);

	printf("# %ld epochs in %.1f s: %ld writes, %ld scans, %ld chaos operations:",
	       epoch, now() - t0, atomic_load(&nr_writes), atomic_load(&nr_scans),
	       atomic_load(&nr_chaos));
	for (i = 0; i < 10; i++)
		printf(" %s %ld", chaos_names[i], atomic_load(&nr_chaos_kind[i]));
	printf("\n");
	printf("stress: %ld ops, %ld violations, seed %u\n", total_ops(),
	       atomic_load(&violations), seed0);
	return atomic_load(&violations) ? 1 : 0;
}
