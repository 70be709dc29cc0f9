// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz: random and boundary arguments for PAGEMAP_SCAN and the userfaultfd
 * ioctls, each result checked against upstream's rules (Linux 6.7+):
 *
 * PAGEMAP_SCAN validates, in this order: the argument is readable (EFAULT),
 * size is 96 (EINVAL), flags within WP_MATCHING|CHECK_WPASYNC (EINVAL),
 * masks within the 8 categories (EINVAL), start page aligned (EINVAL),
 * [start, end) a user range (EFAULT, which also catches end < start),
 * vec given if vec_len is (EINVAL), vec[vec_len] a user range (EFAULT).
 * A valid call returns at most vec_len regions, sorted, inside the range,
 * with only return_mask categories, and walk_end within the range; it may
 * fail with EPERM only under CHECK_WPASYNC, and with EFAULT only when vec
 * is not writable. Entries past the count it returns are never written:
 * nothing of the kernel leaks into them.
 *
 * UFFDIO_WRITEPROTECT and UFFDIO_REGISTER check the range (EINVAL: not
 * page aligned, empty or past the user address space),
 * then the mode (EINVAL); UFFDIO_WRITEPROTECT gives ENOENT where no tracked
 * VMA is and EINVAL for a range not aligned to a hugetlb VMA's page size.
 * UFFDIO_API refuses an unknown API or unknown features (EINVAL).
 *
 * A thread meanwhile maps and unmaps pages inside the ranges under test.
 * The last line is "fuzz: N calls, M mismatches, seed S".
 *
 *   fuzz [-t seconds] [-n calls] [-s seed] [-v]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
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
#include <linux/fs.h>
#include <linux/userfaultfd.h>

#include "uapi_compat.h"

#define ARENA_PAGES	1024	/* two huge pages: the upper one is left empty */
#define VEC_MAX		64
/*
 * x86-64's TASK_SIZE_MAX: 47 bits, or 56 with 5-level paging (QEMU's
 * -cpu max), found at run time.
 */
static uint64_t user_end = 0x7ffffffff000ULL;
#define USER_END	user_end

static long psize;
static int pagemap, uffd;
static char *arena;		/* tracked; the racing thread churns its upper half */
static char *untracked;		/* mapped, not registered */
static char *ro_vec;		/* a read-only page for vec */
static struct page_region *vec;
static unsigned long min_addr;
static uint64_t categories;	/* the category bits this kernel knows */
static unsigned int seed, seed0;	/* seed0: as given, to print */
static bool verbose;
static long calls, mismatches;
static atomic_int stop;

static void mismatch(const char *what, long got, const char *want)
{
	if (mismatches++ < 20)
		printf("MISMATCH (seed %u, call %ld): %s: got %ld (%s), want %s\n", seed0, calls, what, got,
		       got < 0 ? strerror(-got) : "ok", want);
}

static uint64_t r64(void)
{
	return ((uint64_t)rand_r(&seed) << 33) ^ ((uint64_t)rand_r(&seed) << 11) ^ rand_r(&seed);
}

/* A value of interest for an address field. */
static uint64_t pick_addr(void)
{
	switch (rand_r(&seed) % 12) {
	case 0: return 0;
	case 1: return (uint64_t)arena;
	case 2: return (uint64_t)arena + (rand_r(&seed) % ARENA_PAGES) * psize;
	case 3: return (uint64_t)arena + rand_r(&seed) % (ARENA_PAGES * psize);
	case 4: return (uint64_t)untracked + (rand_r(&seed) % 16) * psize;
	case 5: return USER_END - (rand_r(&seed) % 4) * psize;
	case 6: return 0xffff888000000000ULL + (rand_r(&seed) % 4) * psize;	/* kernel */
	case 7: return ~0ULL - (rand_r(&seed) % 4) * psize;
	case 8: return (uint64_t)arena + ARENA_PAGES * psize;
	case 9: return min_addr > (unsigned long)psize ? min_addr - psize : 0;
	case 10: return r64() & ~0xfffULL;
	default: return r64();
	}
}

static uint64_t pick_mask(void)
{
	switch (rand_r(&seed) % 5) {
	case 0: return 0;
	case 1: return rand_r(&seed) & 0xff;
	case 2: return PAGE_IS_WRITTEN;
	case 3: return 1ULL << (rand_r(&seed) % 64);
	default: return rand_r(&seed) & 0x1ff;
	}
}

/*
 * x86-64 access_ok() is arch code that moved between the kernels: 6.1
 * takes any range below 1 << 63 (@lenient), 6.12 only ranges below
 * TASK_SIZE_MAX. The series does not touch it; both are accepted.
 */
static bool user_range_bad(uint64_t addr, uint64_t size, bool lenient)
{
	uint64_t end = addr + size;

	if (lenient)
		return end < addr || (int64_t)end < 0;
	return end < addr || end >= USER_END;
}

/* The errno upstream's checks give @a, 0 if it is valid. */
static int scan_model(const struct pm_scan_arg *a, bool lenient, const char **why)
{
	uint64_t vec_bytes = a->vec_len > ~0ULL / 24 ? ~0ULL : a->vec_len * 24;

	*why = "valid";
	if (a->size != sizeof(*a))
		return *why = "size", EINVAL;
	if (a->flags & ~3ULL)
		return *why = "flags", EINVAL;
	if ((a->category_mask | a->category_inverted | a->category_anyof_mask |
	     a->return_mask) & ~categories)
		return *why = "masks", EINVAL;
	if (a->start & (psize - 1))
		return *why = "start alignment", EINVAL;
	if (user_range_bad(a->start, a->end - a->start, lenient))
		return *why = "range", EFAULT;
	if (!a->vec && a->vec_len)
		return *why = "vec_len without vec", EINVAL;
	if (a->vec && user_range_bad(a->vec, vec_bytes, lenient))
		return *why = "vec range", EFAULT;
	return 0;
}

static void fuzz_scan(void)
{
	struct pm_scan_arg arg = { .size = sizeof(arg) };
	long ret, i, want, want2;	/* 0: valid; else the errno */
	const char *why, *why2;
	bool vec_ro = false;

	if (rand_r(&seed) % 8 == 0)
		arg.size = rand_r(&seed) % 3 ? sizeof(arg) + 8 * (rand_r(&seed) % 5) - 16 : r64();
	if (rand_r(&seed) % 6 == 0)
		arg.flags = rand_r(&seed) % 4 == 0 ? r64() : rand_r(&seed) % 8;
	else
		arg.flags = rand_r(&seed) % 4;
	arg.category_mask = pick_mask();
	arg.category_inverted = pick_mask();
	arg.category_anyof_mask = pick_mask();
	arg.return_mask = pick_mask();
	arg.start = pick_addr();
	arg.end = rand_r(&seed) % 4 ? arg.start + (rand_r(&seed) % (ARENA_PAGES + 8)) * psize -
				       (rand_r(&seed) % 2) * (rand_r(&seed) % psize) : pick_addr();
	switch (rand_r(&seed) % 6) {
	case 0: arg.vec = 0; break;
	case 1: arg.vec = (uint64_t)ro_vec; vec_ro = true; break;
	case 2: arg.vec = pick_addr(); break;
	default: arg.vec = (uint64_t)vec; break;
	}
	switch (rand_r(&seed) % 6) {
	case 0: arg.vec_len = 0; break;
	case 1: arg.vec_len = r64(); break;
	case 2: arg.vec_len = ~0ULL / 24 + rand_r(&seed) % 3; break;
	default: arg.vec_len = 1 + rand_r(&seed) % VEC_MAX; break;
	}
	if (arg.vec == (uint64_t)vec && arg.vec_len > VEC_MAX)
		arg.vec_len = VEC_MAX;
	arg.max_pages = rand_r(&seed) % 3 ? 0 : rand_r(&seed) % 40;
	arg.walk_end = r64();

	want = scan_model(&arg, false, &why);
	want2 = scan_model(&arg, true, &why2);

	memset(vec, 0xa5, sizeof(*vec) * VEC_MAX);
	ret = ioctl(pagemap, PAGEMAP_SCAN, &arg);
	ret = ret < 0 ? -errno : ret;
	calls++;
	if (verbose)
		printf("# scan start %#llx end %#llx vec %#llx len %llu flags %#llx: %ld (%s)\n",
		       arg.start, arg.end, arg.vec, arg.vec_len, arg.flags, ret, why);

	if (ret < 0 && (ret == -want || ret == -want2))
		return;
	if (want && want2) {
		mismatch(why, ret, strerror(want));
		printf("# size %llu flags %#llx masks %#llx %#llx %#llx %#llx start %#llx end %#llx vec %#llx len %#llx\n",
		       arg.size, arg.flags, arg.category_mask, arg.category_inverted,
		       arg.category_anyof_mask, arg.return_mask, arg.start, arg.end, arg.vec, arg.vec_len);
		return;
	}
	if (ret == -EPERM && (arg.flags & PM_SCAN_CHECK_WPASYNC))
		return;
	/* An unwritable vec, or one the racing thread or a kernel address took. */
	if (ret == -EFAULT && arg.vec != (uint64_t)vec)
		return;
	if (ret < 0) {
		mismatch("valid arguments", ret, ">= 0");
		return;
	}
	if (vec_ro && ret) {
		mismatch("read-only vec", ret, "EFAULT or 0");
		return;
	}
	if ((uint64_t)ret > arg.vec_len || (!arg.vec && ret)) {
		mismatch("more regions than vec_len", ret, "<= vec_len");
		return;
	}
	if (arg.walk_end < arg.start || arg.walk_end > ((arg.end + psize - 1) & ~(psize - 1))) {
		mismatch("walk_end outside the range", ret, "start <= walk_end <= end");
		return;
	}
	if (arg.vec != (uint64_t)vec)
		return;
	for (i = 0; i < ret; i++) {
		if (vec[i].start < arg.start || vec[i].end > arg.walk_end ||
		    vec[i].start >= vec[i].end || (i && vec[i].start < vec[i - 1].end) ||
		    (vec[i].categories & ~arg.return_mask)) {
			mismatch("malformed region", i, "sorted, in range, return_mask only");
			return;
		}
	}
	for (i = ret; i < VEC_MAX; i++) {
		const unsigned char *b = (const unsigned char *)&vec[i];
		size_t k;

		for (k = 0; k < sizeof(*vec); k++) {
			if (b[k] != 0xa5) {
				mismatch("vec written past the count returned", i, "untouched");
				return;
			}
		}
	}
}

static uint64_t pick_len(void)
{
	switch (rand_r(&seed) % 6) {
	case 0: return 0;
	case 1: return r64();
	case 2: return rand_r(&seed) % (ARENA_PAGES * psize);
	default: return (1 + rand_r(&seed) % ARENA_PAGES) * psize;
	}
}

static bool uffd_range_bad(uint64_t start, uint64_t len)
{
	return (start & (psize - 1)) || (len & (psize - 1)) || !len ||
	       start >= USER_END || len > USER_END - start;
}

static void fuzz_wp(void)
{
	struct uffdio_writeprotect wp;
	uint64_t a = (uint64_t)arena, aend = a + ARENA_PAGES * psize, end;
	const char *why = "valid";
	long ret, want = 0;

	wp.range.start = pick_addr();
	wp.range.len = pick_len();
	wp.mode = rand_r(&seed) % 6 == 0 ? r64() : rand_r(&seed) % 4;
	end = wp.range.start + wp.range.len;
	if (uffd_range_bad(wp.range.start, wp.range.len)) {
		want = EINVAL; why = "range";
	} else if (wp.mode & ~3ULL) {
		want = EINVAL; why = "mode";
	} else if ((wp.mode & 3) == 3) {
		want = EINVAL; why = "WP with DONTWAKE";
	} else if (end <= a || wp.range.start >= aend + ARENA_PAGES * psize) {
		/* Nothing tracked there (the arena's neighbours are unmapped). */
		want = ENOENT; why = "untracked range";
	} else if (wp.range.start < a || end > aend) {
		want = -1; why = "partly tracked";	/* ENOENT or 0 */
	}
	ret = ioctl(uffd, UFFDIO_WRITEPROTECT, &wp) ? -errno : 0;
	calls++;
	if (verbose)
		printf("# wp %#llx+%#llx mode %#llx: %ld (%s)\n", wp.range.start, wp.range.len,
		       wp.mode, ret, why);
	if (want == -1 ? (ret == 0 || ret == -ENOENT) : ret == -want)
		return;
	/* The racing thread may have unmapped part of the arena. */
	if (!want && ret == -ENOENT)
		return;
	mismatch(why, ret, want ? strerror(want) : "0");
	printf("# wp %#llx+%#llx mode %#llx\n", wp.range.start, wp.range.len, wp.mode);
}

static void fuzz_register(void)
{
	struct uffdio_register reg;
	const char *why = "valid";
	long ret, want = 0;

	reg.range.start = rand_r(&seed) % 2 ? (uint64_t)arena : pick_addr();
	reg.range.len = pick_len();
	/*
	 * Valid ranges stay inside the arena: registering other memory would
	 * change what UFFDIO_WRITEPROTECT must answer there.
	 */
	if (!uffd_range_bad(reg.range.start, reg.range.len)) {
		reg.range.start = (uint64_t)arena + (rand_r(&seed) % ARENA_PAGES) * psize;
		reg.range.len = (1 + rand_r(&seed) % ARENA_PAGES) * psize;
		if (reg.range.start + reg.range.len > (uint64_t)arena + ARENA_PAGES * psize)
			reg.range.len = (uint64_t)arena + ARENA_PAGES * psize - reg.range.start;
	}
	/* Never MISSING or MINOR: a fault there would wait for a handler. */
	switch (rand_r(&seed) % 4) {
	case 0: reg.mode = 0; break;
	case 1: reg.mode = r64() & ~7ULL; break;
	default: reg.mode = UFFDIO_REGISTER_MODE_WP; break;
	}
	if (!reg.mode || (reg.mode & ~7ULL)) {
		want = EINVAL; why = "mode";
	} else if (uffd_range_bad(reg.range.start, reg.range.len)) {
		want = EINVAL; why = "range";
	} else {
		want = -1; why = "range checked";	/* depends on the VMAs found */
	}
	ret = ioctl(uffd, UFFDIO_REGISTER, &reg) ? -errno : 0;
	calls++;
	if (want == -1) {
		if (ret == 0 || ret == -EINVAL || ret == -ENOMEM || ret == -EPERM)
			return;
	} else if (ret == -want) {
		return;
	}
	mismatch(why, ret, want > 0 ? strerror(want) : "0, EINVAL, ENOMEM or EPERM");
	printf("# register %#llx+%#llx mode %#llx\n", reg.range.start, reg.range.len, reg.mode);
	/* Keep the arena's registration as it was. */
}

static void fuzz_api(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	int fd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	uint64_t asked;
	long ret, want;

	if (fd < 0)
		return;
	api.api = rand_r(&seed) % 4 ? UFFD_API : r64() & 0xff;
	api.features = rand_r(&seed) % 2 ? 1ULL << (rand_r(&seed) % 64) : r64();
	/* Bits 14 and 16 (POISON, MOVE) are not in this ABI subset: never asked. */
	want = api.api != UFFD_API ? EINVAL : -1;
	asked = api.features;
	ret = ioctl(fd, UFFDIO_API, &api) ? -errno : 0;
	calls++;
	if (want == -1) {
		/* Valid iff every bit asked is advertised: ask again with none to see. */
		struct uffdio_api all = { .api = UFFD_API };
		int fd2 = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);

		if (fd2 >= 0 && !ioctl(fd2, UFFDIO_API, &all)) {
			bool ok = !(asked & ~all.features);

			if (ok ? ret != 0 : ret != -EINVAL) {
				mismatch("features", ret, ok ? "0" : "EINVAL");
				printf("# asked %#llx, advertised %#llx\n",
				       (unsigned long long)asked, all.features);
			}
		}
		if (fd2 >= 0)
			close(fd2);
	} else if (ret != -want) {
		mismatch("api", ret, "EINVAL");
	}
	/* A second UFFDIO_API on a ready descriptor is refused. */
	api.api = UFFD_API;
	api.features = 0;
	if (!ret && !ioctl(fd, UFFDIO_API, &api))
		mismatch("second UFFDIO_API", 0, "EINVAL");
	close(fd);
}

/* Pages appear and vanish in the upper half of the arena and in vec's page. */
static void *racer(void *p)
{
	unsigned int s = seed + 1;
	char *half = arena + ARENA_PAGES / 2 * psize;

	(void)p;
	while (!atomic_load(&stop)) {
		size_t off = (rand_r(&s) % (ARENA_PAGES / 2 - 8)) * psize;
		size_t len = (1 + rand_r(&s) % 8) * psize;
		/*
		 * Now and then the whole upper half, a huge page, is replaced
		 * and left empty: its page table is freed, and the next
		 * write-protect of all of it arms a PMD-level marker where
		 * the kernel has them.
		 */
		bool whole = rand_r(&s) % 32 == 0;
		struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_WP };

		if (whole) {
			off = 0;
			len = ARENA_PAGES / 2 * psize;
		}
		reg.range.start = (uint64_t)half + off;
		reg.range.len = len;
		munmap(half + off, len);
		usleep(rand_r(&s) % 500);
		if (mmap(half + off, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
			break;
		ioctl(uffd, UFFDIO_REGISTER, &reg);
		if (!whole)
			memset(half + off, 1, psize);
	}
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_WP_ASYNC };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_WP };
	double seconds = 10, t0;
	long max_calls = 0;
	pthread_t thread;
	FILE *f;
	char *base;
	int opt;

	seed = time(NULL) ^ getpid();
	while ((opt = getopt(argc, argv, "t:n:s:v")) != -1) {
		switch (opt) {
		case 't': seconds = atof(optarg); break;
		case 'n': max_calls = atol(optarg); break;
		case 's': seed = strtoul(optarg, NULL, 0); break;
		case 'v': verbose = true; break;
		default:
			fprintf(stderr, "usage: %s [-t s] [-n calls] [-s seed] [-v]\n", argv[0]);
			return 2;
		}
	}
	seed0 = seed;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# fuzz: seed %u, %.0f s\n", seed, seconds);
	alarm(seconds + 300);
	psize = getpagesize();
	f = fopen("/proc/sys/vm/mmap_min_addr", "r");
	if (!f || fscanf(f, "%lu", &min_addr) != 1)
		min_addr = 65536;
	if (f)
		fclose(f);

	/* 5-level paging: an address above 47 bits can be mapped on request. */
	base = mmap((void *)(1ULL << 55), psize, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (base != MAP_FAILED) {
		user_end = (1ULL << 56) - psize;
		munmap(base, psize);
	}
	printf("# user address space ends at %#llx\n", (unsigned long long)user_end);

	pagemap = open("/proc/self/pagemap", O_RDONLY);
	uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (pagemap < 0 || uffd < 0 || ioctl(uffd, UFFDIO_API, &api)) {
		printf("fuzz: no async uffd-wp or pagemap: %s\n", strerror(errno));
		printf("fuzz: 0 calls, 1 mismatches, seed %u\n", seed0);
		return 2;
	}
	/*
	 * [guard][arena][guard][untracked]: the guards stay unmapped. The
	 * arena starts on a huge page boundary, so that its halves are
	 * huge pages (PMD-level markers need a whole one).
	 */
	base = mmap(NULL, (2 * ARENA_PAGES + 32) * psize + (2UL << 20), PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	arena = (char *)(((unsigned long)base + 8 * psize + (2UL << 20) - 1) & ~((2UL << 20) - 1));
	untracked = arena + (2 * ARENA_PAGES + 8) * psize;
	munmap(base, (2 * ARENA_PAGES + 32) * psize + (2UL << 20));
	if (mmap(arena, ARENA_PAGES * psize, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != arena ||
	    mmap(untracked, 16 * psize, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != untracked)
		return 2;
	memset(arena, 1, ARENA_PAGES * psize / 2);
	memset(untracked, 1, 16 * psize);
	reg.range.start = (uint64_t)arena;
	reg.range.len = ARENA_PAGES * psize;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		return 2;
	vec = calloc(VEC_MAX, sizeof(*vec));
	ro_vec = mmap(NULL, psize, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	/* 0xff in 6.7-6.13; PAGE_IS_GUARD (bit 8) came in 6.14. */
	for (opt = 0; opt < 64; opt++) {
		struct pm_scan_arg arg = { .size = sizeof(arg), .return_mask = 1ULL << opt };

		if (!ioctl(pagemap, PAGEMAP_SCAN, &arg))
			categories |= 1ULL << opt;
	}
	printf("# categories: %#llx\n", (unsigned long long)categories);
	if (categories != 0xff && categories != 0x1ff)
		mismatch("category bits", categories, "0xff (or 0x1ff from 6.14)");

	pthread_create(&thread, NULL, racer, NULL);
	t0 = now();
	while (now() - t0 < seconds && (!max_calls || calls < max_calls) && mismatches < 20) {
		switch (rand_r(&seed) % 8) {
		case 0: fuzz_wp(); break;
		case 1: fuzz_register(); break;
		case 2: fuzz_api(); break;
		default: fuzz_scan(); break;
		}
		/* Writes between calls give the scans something to find. */
		arena[(rand_r(&seed) % (ARENA_PAGES / 2)) * psize] ^= 1;
	}
	atomic_store(&stop, 1);
	pthread_join(thread, NULL);
	printf("fuzz: %ld calls, %ld mismatches, seed %u\n", calls, mismatches, seed0);
	return mismatches ? 1 : 0;
}
