/* SPDX-License-Identifier: MIT */
/*
 * The only place the portable core learns where it is compiled: the kernel
 * module gets its fixed-width types from <linux/types.h>, user space from
 * <stdint.h>. Nothing else from either world may be used by the core.
 */
#ifndef BCORE_COMPAT_H
#define BCORE_COMPAT_H

#ifdef __KERNEL__
#include <linux/limits.h>
#include <linux/types.h>
/* The kernel spells these U64_MAX/U32_MAX; the portable code uses C's names. */
#ifndef UINT64_MAX
#define UINT64_MAX	U64_MAX
#endif
#ifndef UINT32_MAX
#define UINT32_MAX	U32_MAX
#endif
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

#endif /* BCORE_COMPAT_H */
