// SPDX-License-Identifier: GPL-2.0
/*
 * ABI probe of make check-builds. It runs as /init of a throwaway guest,
 * prints what userfaultfd and PAGEMAP_SCAN offer on this kernel as
 * "probe: <what> <result>" lines and reboots. tools/check-builds.sh
 * compares these lines with what the kernel's .config allows.
 *
 * The constants are upstream's ABI (userfaultfd.h, fs.h of 6.7+), written
 * out here rather than taken from the series' headers, so that a wrong
 * value in the series shows up as a wrong answer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct uffdio_api { uint64_t api, features, ioctls; };
struct uffdio_range { uint64_t start, len; };
struct uffdio_register { struct uffdio_range range; uint64_t mode, ioctls; };
struct uffdio_writeprotect { struct uffdio_range range; uint64_t mode; };
#define UFFDIO_API		_IOWR(0xAA, 0x3F, struct uffdio_api)
#define UFFDIO_REGISTER		_IOWR(0xAA, 0x00, struct uffdio_register)
#define UFFDIO_WRITEPROTECT	_IOWR(0xAA, 0x06, struct uffdio_writeprotect)
#define UFFDIO_REGISTER_MODE_WP		(1 << 1)
#define UFFDIO_WRITEPROTECT_MODE_WP	(1 << 0)
#define UFFD_FEATURE_WP_ASYNC		(1 << 15)

struct page_region { uint64_t start, end, categories; };
struct pm_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
#define PAGEMAP_SCAN		_IOWR('f', 16, struct pm_scan_arg)
#define PAGE_IS_WRITTEN		(1 << 1)
#define PAGE_IS_PRESENT		(1 << 3)
#define PAGE_IS_SOFT_DIRTY	(1 << 7)
#define PM_SCAN_CHECK_WPASYNC	(1 << 1)

static long psize;

static const char *err(int e)
{
	return strerrorname_np(e) ?: "E?";
}

/* A userfaultfd with UFFDIO_API done for @features, or -errno. */
static int uffd_open(uint64_t features, uint64_t *got)
{
	struct uffdio_api api = { .api = 0xAA, .features = features };
	int fd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return -errno;
	if (ioctl(fd, UFFDIO_API, &api)) {
		int e = errno;

		close(fd);
		return -e;
	}
	if (got)
		*got = api.features;
	return fd;
}

static int uffd_register_wp(int fd, char *p, long len)
{
	struct uffdio_register reg = {
		.range = { (uintptr_t)p, len }, .mode = UFFDIO_REGISTER_MODE_WP,
	};

	return ioctl(fd, UFFDIO_REGISTER, &reg) ? -errno : 0;
}

/* PAGEMAP_SCAN of [p, p + len): the regions found, or -errno. */
static long scan(char *p, long len, uint64_t flags, uint64_t mask,
		 struct page_region *vec, int n)
{
	struct pm_scan_arg arg = {
		.size = sizeof(arg), .flags = flags,
		.start = (uintptr_t)p, .end = (uintptr_t)p + len,
		.vec = (uintptr_t)vec, .vec_len = n,
		.category_mask = mask, .return_mask = mask,
	};
	int fd = open("/proc/self/pagemap", O_RDONLY);
	long ret;

	if (fd < 0)
		return -errno;
	ret = ioctl(fd, PAGEMAP_SCAN, &arg);
	ret = ret < 0 ? -errno : ret;
	close(fd);
	return ret;
}

/* Whether region @r is pages [from, to) of @p, with categories @cat. */
static int is_region(struct page_region *r, char *p, int from, int to, uint64_t cat)
{
	return r->start == (uintptr_t)p + from * psize &&
	       r->end == (uintptr_t)p + to * psize && r->categories == cat;
}

static char *anon(int pages)
{
	char *p = mmap(NULL, pages * psize, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void probe_api(void)
{
	static const struct { int bit; const char *name; } bits[] = {
		{ 0, "PAGEFAULT_FLAG_WP" }, { 12, "WP_HUGETLBFS_SHMEM" },
		{ 13, "WP_UNPOPULATED" }, { 15, "WP_ASYNC" },
	};
	uint64_t features;
	unsigned int i;
	char *p = anon(4);
	int fd;

	fd = uffd_open(0, &features);
	if (fd < 0) {
		printf("probe: api %s\n", err(-fd));
	} else {
		printf("probe: api features=%#llx\n", (unsigned long long)features);
		fd = uffd_register_wp(fd, p, 4 * psize);
	}
	printf("probe: register-wp %s\n", fd < 0 ? err(-fd) : "ok");
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		fd = uffd_open(1ULL << bits[i].bit, NULL);
		printf("probe: request %s %s\n", bits[i].name, fd < 0 ? err(-fd) : "ok");
		if (fd >= 0)
			close(fd);
	}
}

/*
 * Async uffd-wp of unpopulated anon memory: write-protect 16 empty pages,
 * write one, which must not block, and find it, alone, with PAGEMAP_SCAN.
 */
static void probe_async(void)
{
	struct uffdio_writeprotect wp = { .mode = UFFDIO_WRITEPROTECT_MODE_WP };
	struct page_region r[4];
	char *p = anon(16);
	long n;
	int fd;

	fd = uffd_open(UFFD_FEATURE_WP_ASYNC, NULL);
	if (fd < 0) {
		printf("probe: async %s\n", err(-fd));
		return;
	}
	wp.range.start = (uintptr_t)p;
	wp.range.len = 16 * psize;
	if (uffd_register_wp(fd, p, 16 * psize) || ioctl(fd, UFFDIO_WRITEPROTECT, &wp)) {
		printf("probe: async register/writeprotect %s\n", err(errno));
		return;
	}
	p[3 * psize] = 1;	/* a sync fault here would hang: see main() */
	n = scan(p, 16 * psize, PM_SCAN_CHECK_WPASYNC, PAGE_IS_WRITTEN, r, 4);
	if (n < 0)
		printf("probe: async wrote, scan %s\n", err(-n));
	else if (n == 1 && is_region(&r[0], p, 3, 4, PAGE_IS_WRITTEN))
		printf("probe: async ok\n");
	else
		printf("probe: async wrote, scan found %ld regions\n", n);
}

/* PAGEMAP_SCAN of 4 pages with pages 0 and 2 present; soft-dirty category. */
static void probe_scan(void)
{
	struct page_region r[4];
	char *p = anon(4);
	long n;

	p[0] = p[2 * psize] = 1;
	n = scan(p, 4 * psize, 0, PAGE_IS_PRESENT, r, 4);
	if (n < 0)
		printf("probe: scan %s\n", err(-n));
	else if (n == 2 && is_region(&r[0], p, 0, 1, PAGE_IS_PRESENT) &&
		 is_region(&r[1], p, 2, 3, PAGE_IS_PRESENT))
		printf("probe: scan ok\n");
	else
		printf("probe: scan found %ld regions\n", n);

	/* A new VMA is soft-dirty as a whole, where soft-dirty exists. */
	n = scan(p, 4 * psize, 0, PAGE_IS_SOFT_DIRTY, r, 4);
	if (n < 0)
		printf("probe: soft-dirty %s\n", err(-n));
	else
		printf("probe: soft-dirty %s\n", n ? "yes" : "no");
}

int main(void)
{
	int status;
	pid_t pid;

	setvbuf(stdout, NULL, _IONBF, 0);
	psize = sysconf(_SC_PAGESIZE);
	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mkdir("/mnt", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);

	/* The probes run in a child: init would ignore the alarm. */
	pid = fork();
	if (pid == 0) {
		alarm(30);
		printf("probe: start\n");
		probe_api();
		probe_async();
		probe_scan();
		printf("probe: hugetlbfs %s\n",
		       mount("none", "/mnt", "hugetlbfs", 0, NULL) ? err(errno) : "ok");
		printf("probe: thp %s\n",
		       access("/sys/kernel/mm/transparent_hugepage", F_OK) ? "no" : "yes");
		printf("probe: end\n");
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		printf("probe: fork/wait %s\n", err(errno));
	else if (!WIFEXITED(status))
		printf("probe: killed by signal %d\n", WTERMSIG(status));
	sync();
	reboot(RB_AUTOBOOT);
	return 0;
}
