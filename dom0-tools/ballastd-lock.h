/* SPDX-License-Identifier: MIT */
/*
 * One ballastd per host (ballastd-lock.c). Two of them, the daemon and a
 * cron `--once` beside it say, would each steer every domain and flip its
 * target every tick. So each ballastd, whatever its mode, first takes an
 * exclusive flock on BD_LOCK_FILE (kept until it exits, the kernel lets go
 * of it even after a SIGKILL) and writes its pid there; and since a
 * ballastd that took its lock elsewhere (another /run, an older build)
 * does not show there, it also refuses while the pid that /tool/ballast/
 * status names is a live ballastd.
 */
#ifndef BALLASTD_LOCK_H
#define BALLASTD_LOCK_H

#include <stddef.h>
#include <sys/types.h>

#include "bio.h"

/* ballastd.service's RuntimeDirectory=ballast; made 0755 if absent. */
#define BD_RUN_DIR	"/run/ballast"
#define BD_LOCK_FILE	BD_RUN_DIR "/ballastd.lock"

/*
 * Takes the lock at @path: its directory and the file are made if needed.
 * Returns the locked fd (close-on-exec: keep it open for the process's
 * life); -EWOULDBLOCK if another process holds it, with its pid in *@holder
 * (0 if it wrote none yet); another -errno if it cannot be taken.
 */
int bd_lock_take(const char *path, pid_t *holder);

/*
 * The pid in the daemon status of @io's xenstore if it is a live ballastd
 * (@proc_root/<pid>/stat says so, and not a zombie) other than @self; 0
 * otherwise.
 */
pid_t bd_lock_published(const struct bio *io, const char *proc_root, pid_t self);

/*
 * Both checks, for main(): the lock's fd, or -1 with a message for the
 * operator in @err that names the running ballastd's pid.
 */
int bd_lock_host(const char *path, const struct bio *io, const char *proc_root,
		 char *err, size_t err_len);

#endif /* BALLASTD_LOCK_H */
