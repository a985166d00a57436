/* jdm_proc — helper programs from argv arrays. See jdm_proc.h. */
#include "jdm_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cfg_err.h"

char *jdm_xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

void jdm_proc_child_setup(int out, int err)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	int sigs[] = {SIGHUP, SIGTERM, SIGINT, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2};
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], SIG_DFL);
	setpgid(0, 0);
	int null = open("/dev/null", O_RDWR);
	if (null >= 0)
		dup2(null, 0);
	dup2(out >= 0 ? out : null, 1);
	dup2(err >= 0 ? err : null, 2);
	closefrom(3);
}

pid_t jdm_proc_spawn(const char *const *argv, const char *log)
{
	return jdm_proc_spawn_env(argv, log, NULL);
}

pid_t jdm_proc_spawn_env(const char *const *argv, const char *log, char *const *envp)
{
	int logfd = log ? open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600) : -1;
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		if (logfd >= 0)
			close(logfd);
		cfg_err_set("fork: %s", strerror(e));
		return -1;
	}
	if (pid == 0) {
		jdm_proc_child_setup(-1, logfd);
		if (envp)
			execve(argv[0], (char *const *)argv, envp);
		else
			execv(argv[0], (char *const *)argv);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (logfd >= 0)
		close(logfd);
	return pid;
}

int jdm_proc_run(const char *const *argv)
{
	pid_t pid = jdm_proc_spawn(argv, NULL);
	if (pid < 0)
		return -1;
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return cfg_err_set("waitpid: %s", strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return cfg_err_set("%s failed (status %d)", argv[0], WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return 0;
}

int jdm_write_file(const char *path, const char *text, mode_t mode)
{
	char *tmp = jdm_xasprintf("%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		free(tmp);
		return cfg_err_set("%s: %s", path, strerror(errno));
	}
	size_t len = strlen(text), off = 0;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			close(fd);
			unlink(tmp);
			free(tmp);
			return cfg_err_set("%s: %s", path, strerror(errno));
		}
		off += (size_t)w;
	}
	fchmod(fd, mode);
	fsync(fd);
	close(fd);
	int rc = rename(tmp, path) < 0 ? cfg_err_set("%s: %s", path, strerror(errno)) : 0;
	free(tmp);
	return rc;
}
