/* cli_file — files the cli saves and loads as its user. See cli_file.h. */
#include "cli_file.h"
#include "cfg_err.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_COMPONENTS 64

const char *cli_file_home(void)
{
	static char home[PATH_MAX];
	struct passwd *pw = getpwuid(getuid());
	if (!pw || !pw->pw_dir || !*pw->pw_dir)
		return NULL;
	snprintf(home, sizeof home, "%s", pw->pw_dir);
	return home;
}

/* Is PATH (canonical) DIR or below it (canonical)? */
static bool path_within(const char *path, const char *dir)
{
	size_t dl = strlen(dir);
	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	if (dl == 1 && dir[0] == '/')
		return true;
	return strncmp(path, dir, dl) == 0 && (path[dl] == '\0' || path[dl] == '/');
}

/* The part of absolute NAME below HOME or HREAL (canonical HOME), or NULL. */
static const char *below_home(const char *name, const char *home, const char *hreal)
{
	const char *dirs[2] = {home, hreal};
	for (int i = 0; i < 2; i++) {
		size_t dl = strlen(dirs[i]);
		while (dl > 1 && dirs[i][dl - 1] == '/')
			dl--;
		if (strncmp(name, dirs[i], dl) == 0 && name[dl] == '/')
			return name + dl + 1;
	}
	return NULL;
}

static size_t count_lines(const char *p, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (p[i] == '\n')
			n++;
	if (len && p[len - 1] != '\n')
		n++;
	return n;
}

/* A refusal for component COMP that openat() answered with ERR. */
static int open_error(const char *name, int dfd, const char *comp, int err)
{
	struct stat st;
	if ((err == ELOOP || err == ENOTDIR || err == EMLINK) &&
	    fstatat(dfd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
		return cfg_err_set("could not open '%s': '%s' is a symbolic link (not followed)", name,
		                   comp);
	return cfg_err_set("could not open '%s': %s", name, strerror(err));
}

int cli_file_save(const char *home, const char *state_dir, const char *name, const char *text,
                  size_t len, size_t *lines)
{
	if (!name || !*name)
		return cfg_err_set("missing argument.");
	if (!home || !*home)
		return cfg_err_set("cannot save '%s': you have no home directory", name);
	char hreal[PATH_MAX];
	if (!realpath(home, hreal))
		return cfg_err_set("cannot save '%s': home directory %s: %s", name, home, strerror(errno));

	/* the path below the home directory, as components */
	const char *rel = name;
	if (name[0] == '/') {
		rel = below_home(name, home, hreal);
		if (!rel)
			return cfg_err_set("cannot save '%s': not in your home directory (%s)", name, home);
	}
	char copy[PATH_MAX];
	if (snprintf(copy, sizeof copy, "%s", rel) >= (int)sizeof copy)
		return cfg_err_set("cannot save '%s': file name too long", name);
	char *comp[MAX_COMPONENTS];
	size_t nc = 0;
	for (char *save = NULL, *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, ".."))
			return cfg_err_set("invalid file name '%s': '..' is not allowed", name);
		if (nc == MAX_COMPONENTS)
			return cfg_err_set("cannot save '%s': file name too long", name);
		comp[nc++] = c;
	}
	if (nc == 0)
		return cfg_err_set("invalid file name '%s'", name);

	/* the daemon's own directory: nothing of the user's lives there */
	char sreal[PATH_MAX];
	struct stat sst;
	bool have_state = state_dir && *state_dir && realpath(state_dir, sreal) &&
	                  stat(sreal, &sst) == 0;

	char where[PATH_MAX]; /* canonical: no symlink below HREAL is followed */
	snprintf(where, sizeof where, "%s", hreal);
	int dfd = open(hreal, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return cfg_err_set("cannot save '%s': home directory %s: %s", name, home, strerror(errno));
	for (size_t i = 0;; i++) {
		struct stat dst;
		if (fstat(dfd, &dst) < 0) {
			cfg_err_set("could not open '%s': %s", name, strerror(errno));
			goto fail;
		}
		/* the user's own directory: not a shared one such as "/" */
		if (i == 0 && dst.st_uid != geteuid()) {
			cfg_err_set("cannot save '%s': your home directory %s is not yours", name, home);
			goto fail;
		}
		if (have_state && (path_within(where, sreal) ||
		                   (dst.st_dev == sst.st_dev && dst.st_ino == sst.st_ino))) {
			cfg_err_set("cannot save '%s': it is in the management daemon's state directory",
			            name);
			goto fail;
		}
		if (i + 1 == nc)
			break;
		int nfd = openat(dfd, comp[i], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0) {
			open_error(name, dfd, comp[i], errno);
			goto fail;
		}
		close(dfd);
		dfd = nfd;
		size_t wl = strlen(where);
		snprintf(where + wl, sizeof where - wl, "%s%s", wl > 1 ? "/" : "", comp[i]);
	}

	const char *last = comp[nc - 1];
	struct stat st;
	if (fstatat(dfd, last, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(st.st_mode)) {
			cfg_err_set("could not open '%s': '%s' is a symbolic link (not followed)", name, last);
			goto fail;
		}
		if (!S_ISREG(st.st_mode)) {
			cfg_err_set("cannot save '%s': not a regular file", name);
			goto fail;
		}
	}
	int fd = openat(dfd, last, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC,
	                0600);
	if (fd < 0) {
		open_error(name, dfd, last, errno);
		goto fail;
	}
	close(dfd);
	dfd = -1;
	if (fstat(fd, &st) < 0) {
		cfg_err_set("could not open '%s': %s", name, strerror(errno));
		goto fail_fd;
	}
	if (!S_ISREG(st.st_mode)) {
		cfg_err_set("cannot save '%s': not a regular file", name);
		goto fail_fd;
	}
	if (st.st_uid != geteuid()) {
		cfg_err_set("cannot save '%s': the file belongs to another user", name);
		goto fail_fd;
	}
	if (st.st_nlink > 1) {
		cfg_err_set("cannot save '%s': the file has other links", name);
		goto fail_fd;
	}
	if (ftruncate(fd, 0) < 0) {
		cfg_err_set("could not write '%s': %s", name, strerror(errno));
		goto fail_fd;
	}
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			cfg_err_set("could not write '%s': %s", name, w < 0 ? strerror(errno) : "short write");
			goto fail_fd;
		}
		off += (size_t)w;
	}
	if (close(fd) < 0)
		return cfg_err_set("could not write '%s': %s", name, strerror(errno));
	if (lines)
		*lines = count_lines(text, len);
	return 0;
fail_fd:
	close(fd);
	return -1;
fail:
	if (dfd >= 0)
		close(dfd);
	return -1;
}

char *cli_file_read(const char *home, const char *name, size_t max, size_t *len)
{
	if (!name || !*name) {
		cfg_err_set("%s", strerror(ENOENT));
		return NULL;
	}
	char path[PATH_MAX];
	int r;
	if (name[0] == '/')
		r = snprintf(path, sizeof path, "%s", name);
	else if (home && *home)
		r = snprintf(path, sizeof path, "%s/%s", home, name);
	else {
		cfg_err_set("you have no home directory");
		return NULL;
	}
	if (r < 0 || (size_t)r >= sizeof path) {
		cfg_err_set("%s", strerror(ENAMETOOLONG));
		return NULL;
	}
	int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		cfg_err_set("%s", strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		cfg_err_set("%s", strerror(errno));
		close(fd);
		return NULL;
	}
	if (S_ISDIR(st.st_mode) || !S_ISREG(st.st_mode)) {
		cfg_err_set("%s", S_ISDIR(st.st_mode) ? strerror(EISDIR) : "not a regular file");
		close(fd);
		return NULL;
	}
	if ((unsigned long long)st.st_size > max) {
		cfg_err_set("file too large (%lld bytes, at most %zu)", (long long)st.st_size, max);
		close(fd);
		return NULL;
	}
	char *buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		cfg_err_set("out of memory");
		close(fd);
		return NULL;
	}
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cfg_err_set("%s", strerror(errno));
			free(buf);
			close(fd);
			return NULL;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*len = got;
	return buf;
}
