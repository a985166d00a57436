/* jdm_proc — helper programs of jdmd (sshd, dnsmasq, useradd, mkfs.vfat...),
 * always started from an argv array, never through a shell.
 *
 * The child gets the default signal mask and handlers (the daemon blocks
 * signals for its signalfd), its own process group (a ^C meant for the
 * daemon does not reach it), /dev/null on stdin and stdout, stderr to LOG
 * (appended) or /dev/null, and no other inherited descriptors.
 */
#ifndef NFX_JDM_PROC_H
#define NFX_JDM_PROC_H

#include <sys/types.h>

/* Start ARGV (absolute path first) in the background. Returns its pid, or
 * -1 with cfg_err set. The caller reaps it. */
pid_t jdm_proc_spawn(const char *const *argv, const char *log);
/* jdm_proc_spawn with the environment ENVP (borrowed; NULL: this process's). */
pid_t jdm_proc_spawn_env(const char *const *argv, const char *log, char *const *envp);
/* The child side of the above, for a child made otherwise (jdm_charon's
 * clone into new namespaces), between fork/clone and execve: the default
 * signal mask and handlers, its own process group, /dev/null on stdin,
 * stdout to OUT and stderr to ERR (each /dev/null when -1), no other
 * descriptors. Only system calls (safe in the child of a threaded process). */
void jdm_proc_child_setup(int out, int err);
/* Run ARGV and wait for it. 0 when it exited 0, else -1 with cfg_err set
 * ("/usr/sbin/useradd failed (status 9)"). */
int jdm_proc_run(const char *const *argv);
/* asprintf that aborts on out-of-memory. Caller frees. */
/* Write TEXT to PATH atomically (PATH.tmp, fsync, rename) with MODE; 0 or
 * -1 with a recorded error. */
int jdm_write_file(const char *path, const char *text, mode_t mode);

char *jdm_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
