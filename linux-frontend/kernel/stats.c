// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ballast.ko: the guest's memory statistics for the report.
 *
 * Memory pressure: psi_system is not exported to modules and there is no
 * exported accessor, so the driver reads what the kernel offers everyone,
 * /proc/pressure/memory, and parses it with the core's parser (bpsi.c),
 * as ballast-agent does. The worker reads it (process context) without
 * b->lock: opening and reading a file allocates. If the kernel has no PSI
 * (CONFIG_PSI off, psi=0) the file does not exist: psi-some-avg10 and
 * psi-full-avg10 are then left out of the report, as the schema allows,
 * and the kernel log says so once, at load (the first read fails), not at
 * every report.
 */
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/seq_file.h>
#include <linux/uio.h>
#include <linux/vmstat.h>

#include "ballast.h"
#include "bpsi.h"

#define PSI_PATH	"/proc/pressure/memory"

/* Older 6.1 headers may lack ITER_DEST: READ is the same direction. */
#ifndef ITER_DEST
#define ITER_DEST	READ
#endif

static u64 pages_to_kib(u64 pages)
{
	return pages * (PAGE_SIZE / SZ_1K);
}

/*
 * One read of @f at *@pos into @buf. kernel_read() serves only files with
 * ->read_iter (and no ->read), and 6.1's /proc/pressure files have none:
 * their proc_ops give seq_read as proc_read, so procfs gives them
 * proc_reg_file_ops, whose ->read forwards to it and which kernel_read()
 * refuses with -EINVAL (and a log line). They are single_open() seq_files,
 * which seq_read_iter() fills a kernel buffer from directly; this skips
 * only procfs's guard against the entry's removal, and /proc/pressure is
 * never removed. Anything but a seq_file of this very procfs file is
 * refused.
 */
static ssize_t psi_read_some(struct file *f, char *buf, size_t len,
			     loff_t *pos)
{
	struct seq_file *m = f->private_data;
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	struct iov_iter iter;
	struct kiocb kiocb;
	ssize_t n;

	if (f->f_op->read_iter && !f->f_op->read)
		return kernel_read(f, buf, len, pos);
	if (file_inode(f)->i_sb->s_magic != PROC_SUPER_MAGIC ||
	    f->f_op->read_iter || !m || m->file != f)
		return -EINVAL;
	init_sync_kiocb(&kiocb, f);
	kiocb.ki_pos = *pos;
	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, len);
	n = seq_read_iter(&kiocb, &iter);
	if (n > 0)
		*pos = kiocb.ki_pos;
	return n;
}

/*
 * The whole file (a few hundred bytes at most) into a buffer on the stack,
 * parsed: 0, or -errno. A file that fills the buffer is refused, not cut.
 */
int ballast_read_proc(const char *path, char *buf, size_t size, size_t *len)
{
	struct file *f;
	loff_t pos = 0;
	ssize_t n;

	*len = 0;
	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	do {
		n = psi_read_some(f, buf + *len, size - *len, &pos);
		if (n > 0)
			*len += n;
	} while (n > 0 && *len < size);
	filp_close(f, NULL);
	if (n < 0)
		return n;
	return *len == size ? -EFBIG : 0;
}

static int psi_read(struct bpsi *psi)
{
	char buf[BPSI_TEXT_MAX];
	size_t len;
	int err = ballast_read_proc(PSI_PATH, buf, sizeof(buf), &len);

	if (err)
		return err;
	return bpsi_parse(buf, len, psi) ? 0 : -EINVAL;
}

bool ballast_psi_sample(struct ballast *b, struct bpsi *psi)
{
	int err = psi_read(psi);

	/* The first failure only: at load when the kernel has no PSI. */
	if (err && !b->psi_failure_logged) {
		pr_info("ballast: cannot read %s (%d): reports leave out psi-some-avg10 and psi-full-avg10\n",
			PSI_PATH, err);
		b->psi_failure_logged = true;
	}
	return !err;
}

void ballast_sample(struct ballast *b, struct breport_stats *s)
{
	all_vm_events(b->vm_events);
	breport_set(s, BALLAST_K_MEM_AVAILABLE,
		    pages_to_kib(ballast_mem_available_pages()));
	breport_set(s, BALLAST_K_COMMITTED_AS,
		    pages_to_kib(vm_memory_committed()));
	breport_set(s, BALLAST_K_SWAP_IN, b->vm_events[PSWPIN]);
	breport_set(s, BALLAST_K_SWAP_OUT, b->vm_events[PSWPOUT]);
	breport_set(s, BALLAST_K_MAJOR_FAULTS, b->vm_events[PGMAJFAULT]);
	breport_set(s, BALLAST_K_OOM_KILLS, b->vm_events[OOM_KILL]);
}
