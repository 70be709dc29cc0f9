// SPDX-License-Identifier: GPL-2.0
/*
 * Link-time shim for upstream's mm selftests on a 6.1 kernel.
 *
 * MFD_NOEXEC_SEAL (v6.3) is unknown to 6.1, whose memfd_create() rejects
 * it with EINVAL. The flag only asks for a non-executable, sealed memfd;
 * none of the tests depend on that, so retry without it. Nothing else is
 * changed: every check in the tests stays as upstream wrote it.
 */
#include <errno.h>
#include <sys/mman.h>

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif

int __real_memfd_create(const char *name, unsigned int flags);

int __wrap_memfd_create(const char *name, unsigned int flags)
{
	int fd = __real_memfd_create(name, flags);

	if (fd < 0 && errno == EINVAL && (flags & MFD_NOEXEC_SEAL))
		fd = __real_memfd_create(name, flags & ~MFD_NOEXEC_SEAL);
	return fd;
}
