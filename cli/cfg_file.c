/* cfg_file — file commands confined to the home and the image directory.
 * See cfg_file.h. */
#include "cfg_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cfg_err.h"

#define MAX_COMPONENTS 64

/* Where a NAME leads: the directory holding its last component (an open
 * descriptor), that component ("." for the directory itself), and the
 * path as shown (canonical). */
struct where {
	int dfd;
	char last[NAME_MAX + 1];
	char shown[PATH_MAX];
	bool img; /* in the image directory */
};

/* The part of absolute NAME below DIR or its canonical form: "" for DIR
 * itself, NULL when outside. */
static const char *below(const char *name, const char *dir)
{
	if (!dir || !*dir)
		return NULL;
	char real[PATH_MAX];
	const char *dirs[2] = {dir, realpath(dir, real) ? real : dir};
	for (int i = 0; i < 2; i++) {
		size_t dl = strlen(dirs[i]);
		while (dl > 1 && dirs[i][dl - 1] == '/')
			dl--;
		if (dl == 1 && dirs[i][0] == '/')
			return name + 1;
		if (strncmp(name, dirs[i], dl) == 0 && (name[dl] == '/' || name[dl] == '\0'))
			return name[dl] == '/' ? name + dl + 1 : name + dl;
	}
	return NULL;
}

static int refuse_link(const char *name, int dfd, const char *comp, int err)
{
	struct stat st;
	if ((err == ELOOP || err == ENOTDIR || err == EMLINK) &&
	    fstatat(dfd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
		return cfg_err_set("could not resolve file: %s: '%s' is a symbolic link (not followed)",
		                   name, comp);
	return cfg_err_set("could not resolve file: %s: %s", name, strerror(err));
}

/* Resolve NAME as cfg_file.h says; IMGDIR NULL: the home only. */
static int confine(const char *home, const char *imgdir, const char *name, struct where *w)
{
	w->dfd = -1;
	const char *rel = NULL, *base = NULL;
	if (!name || !*name) {
		rel = "";
		base = home;
	} else if (name[0] != '/') {
		rel = name;
		base = home;
	} else if (home && (rel = below(name, home))) {
		base = home;
	} else if (imgdir && (rel = below(name, imgdir))) {
		base = imgdir;
		w->img = true;
	} else {
		return cfg_err_set("could not resolve file: %s: not in your home directory%s", name,
		                   imgdir ? " or the image directory" : "");
	}
	if (!base || !*base)
		return cfg_err_set("could not resolve file: %s: you have no home directory", name ? name : "");
	char copy[PATH_MAX];
	if (snprintf(copy, sizeof copy, "%s", rel) >= (int)sizeof copy)
		return cfg_err_set("could not resolve file: %s: file name too long", name);
	char *comp[MAX_COMPONENTS];
	size_t nc = 0;
	for (char *save = NULL, *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, ".."))
			return cfg_err_set("invalid file name '%s': '..' is not allowed", name);
		if (nc == MAX_COMPONENTS)
			return cfg_err_set("could not resolve file: %s: file name too long", name);
		comp[nc++] = c;
	}
	if (!realpath(base, w->shown))
		return cfg_err_set("could not resolve file: %s: %s: %s", name ? name : "", base, strerror(errno));
	int dfd = open(w->shown, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return cfg_err_set("could not resolve file: %s: %s", name ? name : "", strerror(errno));
	for (size_t i = 0; i + 1 < nc; i++) {
		int nfd = openat(dfd, comp[i], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0) {
			refuse_link(name, dfd, comp[i], errno);
			close(dfd);
			return -1;
		}
		close(dfd);
		dfd = nfd;
		size_t l = strlen(w->shown);
		snprintf(w->shown + l, sizeof w->shown - l, "%s%s", l > 1 ? "/" : "", comp[i]);
	}
	snprintf(w->last, sizeof w->last, "%s", nc ? comp[nc - 1] : ".");
	if (nc) {
		struct stat st;
		if (fstatat(dfd, w->last, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
			close(dfd);
			return cfg_err_set("could not resolve file: %s: '%s' is a symbolic link (not followed)",
			                   name, w->last);
		}
		size_t l = strlen(w->shown);
		snprintf(w->shown + l, sizeof w->shown - l, "%s%s", l > 1 ? "/" : "", w->last);
	}
	w->dfd = dfd;
	return 0;
}

static void mode_str(mode_t m, char *s)
{
	s[0] = S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISREG(m) ? '-' : S_ISCHR(m) ? 'c' :
	       S_ISBLK(m) ? 'b' : S_ISFIFO(m) ? 'p' : S_ISSOCK(m) ? 's' : '?';
	const char *rwx = "rwxrwxrwx";
	for (int i = 0; i < 9; i++)
		s[1 + i] = (m & (1u << (8 - i))) ? rwx[i] : '-';
	s[10] = '\0';
}

static void long_line(struct cfg_buf *out, const char *name, const struct stat *st)
{
	char mode[11], when[32], u[32], g[32];
	mode_str(st->st_mode, mode);
	struct passwd *pw = getpwuid(st->st_uid);
	struct group *gr = getgrgid(st->st_gid);
	snprintf(u, sizeof u, "%s", pw ? pw->pw_name : "");
	if (!pw)
		snprintf(u, sizeof u, "%u", (unsigned)st->st_uid);
	snprintf(g, sizeof g, "%s", gr ? gr->gr_name : "");
	if (!gr)
		snprintf(g, sizeof g, "%u", (unsigned)st->st_gid);
	struct tm tm;
	time_t now = time(NULL);
	localtime_r(&st->st_mtime, &tm);
	/* as ls: the time for the last six months, else the year */
	strftime(when, sizeof when,
	         (now - st->st_mtime) < 180L * 24 * 3600 && st->st_mtime <= now ? "%b %e %H:%M" : "%b %e  %Y",
	         &tm);
	cfg_buf_printf(out, "%s %2lu %-8s %-8s %10lld %s %s%s\n", mode, (unsigned long)st->st_nlink, u,
	               g, (long long)st->st_size, when, name, S_ISDIR(st->st_mode) ? "/" : "");
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cfg_file_list(const char *home, const char *imgdir, const char *name, bool detail,
                  struct cfg_buf *out)
{
	struct where w = {0};
	if (confine(home, imgdir, name, &w) < 0)
		return -1;
	struct stat st;
	int rc = -1;
	if (fstatat(w.dfd, w.last, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		cfg_err_set("could not resolve file: %s: %s", name && *name ? name : w.shown, strerror(errno));
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		/* one file: its name (or long line) */
		cfg_buf_puts(out, "\n");
		if (detail)
			long_line(out, w.shown, &st);
		else
			cfg_buf_printf(out, "%s\n", w.shown);
		rc = 0;
		goto out;
	}
	int fd = openat(w.dfd, w.last, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		cfg_err_set("could not resolve file: %s: %s", name && *name ? name : w.shown, strerror(errno));
		goto out;
	}
	DIR *dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		cfg_err_set("could not resolve file: %s: %s", w.shown, strerror(errno));
		goto out;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	for (struct dirent *e; (e = readdir(dir));) {
		if (e->d_name[0] == '.')
			continue; /* as Junos: hidden files are not listed */
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **nn = realloc(names, cap * sizeof *nn);
			if (!nn)
				abort();
			names = nn;
		}
		names[n] = strdup(e->d_name);
		if (!names[n])
			abort();
		n++;
	}
	qsort(names, n, sizeof *names, by_name);
	cfg_buf_printf(out, "\n%s%s:\n", w.shown, strcmp(w.shown, "/") ? "/" : "");
	unsigned long long blocks = 0;
	struct cfg_buf lines;
	cfg_buf_init(&lines);
	for (size_t i = 0; i < n; i++) {
		struct stat es;
		bool ok = fstatat(dirfd(dir), names[i], &es, AT_SYMLINK_NOFOLLOW) == 0;
		if (detail && ok) {
			blocks += (unsigned long long)es.st_blocks / 2;
			long_line(&lines, names[i], &es);
		} else {
			cfg_buf_printf(&lines, "%s%s\n", names[i],
			               ok && S_ISDIR(es.st_mode) ? "/" : ok && S_ISLNK(es.st_mode) ? "@" : "");
		}
		free(names[i]);
	}
	free(names);
	closedir(dir);
	if (detail)
		cfg_buf_printf(out, "total blocks: %llu\n", blocks);
	if (lines.len)
		cfg_buf_add(out, lines.p, lines.len);
	cfg_buf_free(&lines);
	if (detail)
		cfg_buf_printf(out, "total files: %zu\n", n);
	rc = 0;
out:
	close(w.dfd);
	return rc;
}

char *cfg_file_read(const char *home, const char *imgdir, const char *name, size_t *len)
{
	struct where w = {0};
	if (!name || !*name) {
		cfg_err_set("missing argument.");
		return NULL;
	}
	if (confine(home, imgdir, name, &w) < 0)
		return NULL;
	char *buf = NULL;
	int fd = openat(w.dfd, w.last, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	close(w.dfd);
	if (fd < 0) {
		cfg_err_set("could not resolve file: %s: %s", name, strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		cfg_err_set("could not resolve file: %s: %s", name,
		            S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
		goto out;
	}
	if ((unsigned long long)st.st_size > CFG_FILE_MAX) {
		cfg_err_set("%s: file too large (%lld bytes, at most %u)", name, (long long)st.st_size,
		            CFG_FILE_MAX);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		cfg_err_set("out of memory");
		goto out;
	}
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			cfg_err_set("could not read %s: %s", name, strerror(errno));
			free(buf);
			buf = NULL;
			goto out;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	buf[got] = '\0';
	*len = got;
out:
	close(fd);
	return buf;
}

bool cfg_file_is_dir(const char *home, const char *name)
{
	struct where w = {0};
	if (confine(home, NULL, name, &w) < 0) {
		cfg_err_clear();
		return false;
	}
	struct stat st;
	bool r = fstatat(w.dfd, w.last, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
	close(w.dfd);
	return r;
}

int cfg_file_delete(const char *home, const char *state_dir, const char *name)
{
	struct where w = {0};
	if (!name || !*name)
		return cfg_err_set("missing argument.");
	if (confine(home, NULL, name, &w) < 0)
		return -1;
	int rc = -1;
	char sreal[PATH_MAX];
	if (state_dir && *state_dir && realpath(state_dir, sreal) && below(w.shown, sreal)) {
		cfg_err_set("rm: %s: it is in the management daemon's state directory", name);
		goto out;
	}
	struct stat st;
	if (fstatat(w.dfd, w.last, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		cfg_err_set("rm: %s: %s", name, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		cfg_err_set("rm: %s: %s", name, S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
		goto out;
	}
	if (unlinkat(w.dfd, w.last, 0) < 0) {
		cfg_err_set("rm: %s: %s", name, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	close(w.dfd);
	return rc;
}

bool cfg_file_in_dir(const char *name, const char *dir)
{
	if (!name || name[0] != '/' || !dir || !*dir || strstr(name, "/.."))
		return false;
	return below(name, dir) != NULL;
}
