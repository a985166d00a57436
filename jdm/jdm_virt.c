/* jdm_virt — libvirt connection, event thread and main-loop mailbox. */
#include "jdm_virt.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libvirt/virterror.h>

#include "cfg_err.h"

struct post {
	void (*fn)(void *);
	void *arg;
};

struct jdm_virt {
	virConnectPtr conn;
	char *uri;
	pthread_t thread;
	atomic_bool stop;
	bool thread_started;
	int pipe_rd, pipe_wr; /* mailbox: struct post records */
	int wake_timer;       /* libvirt timer that lets the thread notice `stop` */
};

static _Thread_local char virt_err[512];

const char *jdm_virt_error(void)
{
	virErrorPtr e = virGetLastError();
	snprintf(virt_err, sizeof virt_err, "%s", e && e->message ? e->message : "");
	return virt_err;
}

/* libvirt prints errors to stderr by default; they reach the operator
 * through cfg_err instead. */
static void quiet(void *ud, virErrorPtr e)
{
	(void)ud;
	(void)e;
}

static void *event_thread(void *arg)
{
	struct jdm_virt *v = arg;
	while (!atomic_load(&v->stop))
		if (virEventRunDefaultImpl() < 0)
			break;
	return NULL;
}

static void wake_cb(int timer, void *opaque)
{
	(void)timer;
	(void)opaque;
}

static int mkdirs(const char *path, mode_t mode)
{
	char buf[4096];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(buf, mode) < 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(buf, mode) < 0 && errno != EEXIST ? -1 : 0;
}

/* qemu:///embed?root=DIR → DIR (malloc'ed) or NULL. */
static char *embed_root(const char *uri)
{
	if (strncmp(uri, "qemu:///embed", 13) != 0)
		return NULL;
	const char *r = strstr(uri, "root=");
	if (!r)
		return NULL;
	r += 5;
	size_t n = strcspn(r, "&");
	return strndup(r, n);
}

/* The embed driver reads ROOT/etc/qemu.conf: QEMU as root (no libvirt-qemu
 * user on the appliance), no cgroups and no mount namespace (neither works
 * on this host's layout). */
static int write_qemu_conf(const char *root, const char *hugepage_dir)
{
	char dir[4096], path[4200];
	snprintf(dir, sizeof dir, "%s/etc", root);
	if (mkdirs(dir, 0700) < 0)
		return cfg_err_set("%s: %s", dir, strerror(errno));
	snprintf(path, sizeof path, "%s/qemu.conf", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		return cfg_err_set("%s: %s", path, strerror(errno));
	fprintf(f, "# written by jdmd\nuser = \"root\"\ngroup = \"root\"\ndynamic_ownership = 0\n"
	           "cgroup_controllers = [ ]\nnamespaces = [ ]\nremember_owner = 0\n"
	           "stdio_handler = \"file\"\n");
	if (hugepage_dir)
		fprintf(f, "hugetlbfs_mount = \"%s\"\n", hugepage_dir);
	fclose(f);
	return 0;
}

struct jdm_virt *jdm_virt_open(const char *uri, const char *hugepage_dir)
{
	static int ev_rc;
	virSetErrorFunc(NULL, quiet);
	if (virInitialize() < 0) {
		cfg_err_set("libvirt: cannot initialise");
		return NULL;
	}
	/* the default event loop can be registered once per process */
	static atomic_bool registered;
	if (!atomic_exchange(&registered, true))
		ev_rc = virEventRegisterDefaultImpl();
	if (ev_rc < 0) {
		cfg_err_set("libvirt: no event loop: %s", jdm_virt_error());
		return NULL;
	}
	struct jdm_virt *v = calloc(1, sizeof *v);
	if (!v)
		abort();
	v->pipe_rd = v->pipe_wr = -1;
	v->wake_timer = -1;
	v->uri = strdup(uri);
	char *root = embed_root(uri);
	if (root) {
		int rc = write_qemu_conf(root, hugepage_dir);
		free(root);
		if (rc < 0) {
			jdm_virt_close(v);
			return NULL;
		}
	}
	int p[2];
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) {
		cfg_err_set("pipe: %s", strerror(errno));
		jdm_virt_close(v);
		return NULL;
	}
	v->pipe_rd = p[0];
	v->pipe_wr = p[1];
	/* the thread must run before the embed driver opens (it needs the loop) */
	v->wake_timer = virEventAddTimeout(500, wake_cb, v, NULL);
	if (pthread_create(&v->thread, NULL, event_thread, v) != 0) {
		cfg_err_set("cannot start the libvirt event thread");
		jdm_virt_close(v);
		return NULL;
	}
	v->thread_started = true;
	v->conn = virConnectOpen(uri);
	if (!v->conn) {
		cfg_err_set("cannot connect to the hypervisor %s: %s", uri, jdm_virt_error());
		jdm_virt_close(v);
		return NULL;
	}
	virConnectSetKeepAlive(v->conn, 5, 3);
	return v;
}

void jdm_virt_close(struct jdm_virt *v)
{
	if (!v)
		return;
	if (v->conn)
		virConnectClose(v->conn);
	if (v->thread_started) {
		atomic_store(&v->stop, true);
		pthread_join(v->thread, NULL);
	}
	if (v->wake_timer >= 0)
		virEventRemoveTimeout(v->wake_timer);
	if (v->pipe_rd >= 0)
		close(v->pipe_rd);
	if (v->pipe_wr >= 0)
		close(v->pipe_wr);
	free(v->uri);
	free(v);
}

virConnectPtr jdm_virt_conn(const struct jdm_virt *v) { return v->conn; }
const char *jdm_virt_uri(const struct jdm_virt *v) { return v->uri; }
int jdm_virt_fd(const struct jdm_virt *v) { return v->pipe_rd; }

void jdm_virt_post(struct jdm_virt *v, void (*fn)(void *arg), void *arg)
{
	struct post p = {fn, arg};
	/* a record is smaller than PIPE_BUF: the write is atomic */
	for (;;) {
		ssize_t n = write(v->pipe_wr, &p, sizeof p);
		if (n == (ssize_t)sizeof p)
			return;
		if (n < 0 && errno == EAGAIN) {
			usleep(1000); /* main loop is busy; it drains soon */
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		return;
	}
}

void jdm_virt_dispatch(struct jdm_virt *v)
{
	struct post p;
	while (read(v->pipe_rd, &p, sizeof p) == (ssize_t)sizeof p)
		p.fn(p.arg);
}
