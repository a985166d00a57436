/* jdm_virt — libvirt connection, event thread and main-loop mailbox. */
#include "jdm_virt.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
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
	bool embed;
	struct jdm_virt_confinement conf;
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

/* ------------------------------------------------------ the QEMU user */

/* Child of fork(): become UID:GID (no other groups) and report the first
 * of the N prefixes of PATH (ends[i]: length of prefix i) it cannot search,
 * as the exit status i + 1; 0: all searchable. Only system calls (the
 * parent has threads). */
static void search_child(const char *path, const size_t *ends, size_t n, uid_t uid, gid_t gid)
{
	char buf[PATH_MAX];
	if (setgroups(1, &gid) < 0 || setgid(gid) < 0 || setuid(uid) < 0)
		_exit(255);
	for (size_t i = 0; i < n && i < 250; i++) {
		memcpy(buf, path, ends[i]);
		buf[ends[i]] = '\0';
		if (access(buf, X_OK) < 0)
			_exit((int)i + 1);
	}
	_exit(0);
}

/* The first directory on the way to PATH (PATH included) that UID:GID
 * cannot search, into OUT; 1 when there is one, 0 when none, -1 on error. */
static int first_unsearchable(const char *path, uid_t uid, gid_t gid, char *out, size_t outn)
{
	size_t ends[256], n = 0, len = strlen(path);
	if (path[0] != '/' || len >= PATH_MAX)
		return -1;
	ends[n++] = 1; /* "/" */
	for (size_t i = 1; i <= len && n < 256; i++)
		if ((path[i] == '/' || path[i] == '\0') && path[i - 1] != '/')
			ends[n++] = i;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		search_child(path, ends, n, uid, gid);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) == 255)
		return -1;
	int i = WEXITSTATUS(st);
	if (i == 0)
		return 0;
	snprintf(out, outn, "%.*s", (int)ends[i - 1], path);
	return 1;
}

/* POSIX ACL xattr (linux/posix_acl_xattr.h), little-endian on x86. */
enum { ACL_USER_OBJ_ = 1, ACL_USER_ = 2, ACL_GROUP_OBJ_ = 4, ACL_GROUP_ = 8, ACL_MASK_ = 0x10,
       ACL_OTHER_ = 0x20 };
struct acl_ent {
	uint16_t tag, perm;
	uint32_t id;
};

static int acl_cmp(const void *a, const void *b)
{
	const struct acl_ent *x = a, *y = b;
	if (x->tag != y->tag)
		return x->tag < y->tag ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Add PERM (x = 1, w = 2, r = 4) for the user (TAG ACL_USER_) or group
 * (ACL_GROUP_) ID to the access ACL of PATH (the mask widened to let it
 * through; nothing else changes). 0, or -1 with errno. */
static int acl_add(const char *path, uint16_t tag, uint32_t id, uint16_t perm)
{
	struct acl_ent e[64];
	size_t n = 0;
	unsigned char raw[4 + 64 * 8];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -1;
	}
	ssize_t got = fgetxattr(fd, "system.posix_acl_access", raw, sizeof raw);
	if (got >= 4 && (got - 4) % 8 == 0) {
		for (ssize_t off = 4; off < got && n < 63; off += 8, n++) {
			memcpy(&e[n].tag, raw + off, 2);
			memcpy(&e[n].perm, raw + off + 2, 2);
			memcpy(&e[n].id, raw + off + 4, 4);
		}
	} else {
		e[n++] = (struct acl_ent){ACL_USER_OBJ_, (st.st_mode >> 6) & 7, (uint32_t)-1};
		e[n++] = (struct acl_ent){ACL_GROUP_OBJ_, (st.st_mode >> 3) & 7, (uint32_t)-1};
		e[n++] = (struct acl_ent){ACL_OTHER_, st.st_mode & 7, (uint32_t)-1};
	}
	bool have_user = false, have_mask = false;
	uint16_t group_obj = 0;
	for (size_t i = 0; i < n; i++) {
		if (e[i].tag == tag && e[i].id == id) {
			e[i].perm |= perm;
			have_user = true;
		}
		if (e[i].tag == ACL_GROUP_OBJ_)
			group_obj = e[i].perm;
	}
	if (!have_user && n < 62)
		e[n++] = (struct acl_ent){tag, perm, id};
	for (size_t i = 0; i < n; i++)
		if (e[i].tag == ACL_MASK_) {
			e[i].perm |= perm;
			have_mask = true;
		}
	if (!have_mask)
		e[n++] = (struct acl_ent){ACL_MASK_, (uint16_t)(group_obj | perm), (uint32_t)-1};
	qsort(e, n, sizeof e[0], acl_cmp);
	uint32_t ver = 2;
	memcpy(raw, &ver, 4);
	for (size_t i = 0; i < n; i++) {
		memcpy(raw + 4 + i * 8, &e[i].tag, 2);
		memcpy(raw + 4 + i * 8 + 2, &e[i].perm, 2);
		memcpy(raw + 4 + i * 8 + 4, &e[i].id, 4);
	}
	int rc = fsetxattr(fd, "system.posix_acl_access", raw, 4 + n * 8, 0);
	int e2 = errno;
	close(fd);
	errno = e2;
	return rc;
}

int jdm_virt_reach(struct jdm_virt *v, const char *path)
{
	struct jdm_virt_confinement *c = &v->conf;
	if (c->uid == 0)
		return 0;
	char dir[PATH_MAX], real[PATH_MAX];
	if (!realpath(path, real))
		return cfg_err_set("%s: %s", path, strerror(errno));
	for (int i = 0; i < 64; i++) {
		int r = first_unsearchable(real, c->uid, c->gid, dir, sizeof dir);
		if (r < 0)
			return cfg_err_set("cannot tell whether %s can reach %s", c->user, real);
		if (r == 0)
			return 0;
		if (acl_add(dir, ACL_USER_, c->uid, 1) < 0) {
			/* no ACLs on this file system: search for others, as 0711 */
			struct stat st;
			if (errno != EOPNOTSUPP || stat(dir, &st) < 0 || chmod(dir, (st.st_mode & 07777) | 01) < 0)
				return cfg_err_set("cannot let %s search %s: %s", c->user, dir, strerror(errno));
			fprintf(stderr, "jdmd: %s: o+x (no ACLs here) so that QEMU (%s) reaches %s\n", dir,
			        c->user, real);
		} else {
			fprintf(stderr, "jdmd: %s: ACL user:%u:--x (search only) so that QEMU (%s) reaches %s\n",
			        dir, (unsigned)c->uid, c->user, real);
		}
		size_t l = strlen(c->reached);
		snprintf(c->reached + l, sizeof c->reached - l, "%s%s", l ? " " : "", dir);
	}
	return cfg_err_set("%s cannot reach %s", c->user, real);
}

/* /dev/kvm as Debian's udev leaves it (root:kvm 0660) lets QEMU's group
 * use KVM. Where the host has it root-only, libvirt's QEMU capability
 * probe (which keeps root's capabilities) finds KVM while the checks made
 * as QEMU's user do not, and libvirt probes again before every start: give
 * the group rw with an ACL entry, as the udev rule would. */
static void kvm_device_for(struct jdm_virt_confinement *c)
{
	const char *dev = "/dev/kvm";
	if (c->uid == 0 || access(dev, F_OK) != 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		if (setgroups(1, &c->gid) < 0 || setgid(c->gid) < 0 || setuid(c->uid) < 0)
			_exit(2);
		_exit(access(dev, R_OK | W_OK) == 0 ? 0 : 1);
	}
	int st = 0;
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (pid < 0 || (WIFEXITED(st) && WEXITSTATUS(st) == 0))
		return;
	if (acl_add(dev, ACL_GROUP_, c->gid, 6) == 0) {
		snprintf(c->kvm_dev, sizeof c->kvm_dev, "%s: rw for group %u (ACL; the host had it root-only)",
		         dev, (unsigned)c->gid);
		fprintf(stderr, "jdmd: %s\n", c->kvm_dev);
	} else {
		snprintf(c->kvm_dev, sizeof c->kvm_dev, "%s: not usable by QEMU's user (%s)", dev,
		         strerror(errno));
	}
}

/* Can this process give QEMU a mount namespace of its own (libvirt's
 * namespaces = ["mount"]: a private /dev on tmpfs with device nodes)?
 * Tried in a child: unshare, a tmpfs on DIR (a scratch directory), mknod.
 * NULL when it can, else the reason (static). */
static const char *probe_mount_ns(const char *dir)
{
	static _Thread_local char why[160];
	static const char *const steps[] = {"unshare(CLONE_NEWNS)", "mount --make-rslave /",
	                                    "mount tmpfs", "mknod"};
	char node[PATH_MAX + 8];
	snprintf(node, sizeof node, "%s/null", dir);
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return "pipe failed";
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return "fork failed";
	}
	if (pid == 0) {
		/* only system calls here: the parent has threads */
		int r[2] = {-1, 0};
		if (unshare(CLONE_NEWNS) < 0)
			r[0] = 0;
		else if (mount("none", "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
			r[0] = 1;
		else if (mount("tmpfs", dir, "tmpfs", MS_NOSUID, "mode=0755") < 0)
			r[0] = 2;
		else if (mknod(node, S_IFCHR | 0666, makedev(1, 3)) < 0)
			r[0] = 3;
		if (r[0] < 0)
			_exit(0);
		r[1] = errno;
		if (write(p[1], r, sizeof r) < 0)
			_exit(2);
		_exit(1);
	}
	close(p[1]);
	int r[2];
	ssize_t n = read(p[0], r, sizeof r);
	close(p[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return NULL;
	if (n != (ssize_t)sizeof r || r[0] < 0 || r[0] > 3)
		return "the probe failed";
	snprintf(why, sizeof why, "%s: %s", steps[r[0]], strerror(r[1]));
	return why;
}

/* The cgroup controllers libvirt may use for QEMU: those in which this
 * process can make a child group (libvirt makes machine/... under its
 * own). Into LIST ("cpu", "memory"...); the count. WHY: the first failure. */
static size_t probe_cgroups(char list[][16], size_t max, char *why, size_t whyn)
{
	static const char *const want[] = {"cpu", "cpuacct", "cpuset", "memory", "devices", "blkio"};
	size_t n = 0;
	why[0] = '\0';
	FILE *f = fopen("/proc/self/cgroup", "r");
	if (!f) {
		snprintf(why, whyn, "/proc/self/cgroup: %s", strerror(errno));
		return 0;
	}
	char line[512];
	char v2[256] = "";
	bool any_v1 = false;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		const char *ctrls = c1 + 1, *path = c2 + 1;
		if (!*ctrls) {
			snprintf(v2, sizeof v2, "%s", path);
			continue;
		}
		for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
			if (strcmp(ctrls, want[i]) != 0 && !strstr(ctrls, want[i]))
				continue;
			any_v1 = true;
			char dir[PATH_MAX];
			snprintf(dir, sizeof dir, "/sys/fs/cgroup/%s%s/nfx-probe-%ld", want[i],
			         strcmp(path, "/") ? path : "", (long)getpid());
			if (mkdir(dir, 0755) == 0) {
				rmdir(dir);
				bool dup = false;
				for (size_t k = 0; k < n; k++)
					dup = dup || !strcmp(list[k], want[i]);
				if (!dup && n < max)
					snprintf(list[n++], 16, "%s", want[i]);
			} else if (!why[0]) {
				char top[64];
				struct stat st;
				snprintf(top, sizeof top, "/sys/fs/cgroup/%s", want[i]);
				if (stat(top, &st) < 0)
					/* `ip netns exec` mounts the namespace's own /sys, without
					   the cgroup hierarchies */
					snprintf(why, whyn, "no cgroup hierarchies under /sys/fs/cgroup in "
					                    "jdmd's mount namespace (ip netns exec's /sys)");
				else
					snprintf(why, whyn, "cannot make a group in %s%s: %s", top,
					         strcmp(path, "/") ? path : "", strerror(errno));
			}
		}
	}
	fclose(f);
	if (!any_v1 && v2[0]) {
		char dir[PATH_MAX];
		snprintf(dir, sizeof dir, "/sys/fs/cgroup%s/nfx-probe-%ld", strcmp(v2, "/") ? v2 : "",
		         (long)getpid());
		if (mkdir(dir, 0755) == 0) {
			rmdir(dir);
			for (size_t i = 0; i < sizeof want / sizeof want[0] && n < max; i++)
				snprintf(list[n++], 16, "%s", want[i]);
		} else {
			snprintf(why, whyn, "cgroup v2 %s: %s", v2, strerror(errno));
		}
	}
	if (!n && !why[0])
		snprintf(why, whyn, "no cgroup controllers");
	return n;
}

/* Who QEMU runs as (the embed driver): Debian's libvirt-qemu:kvm when the
 * host has them (NFX_QEMU_USER=root forces root, for a host without). */
static void pick_user(struct jdm_virt_confinement *c)
{
	const char *force = getenv("NFX_QEMU_USER");
	struct passwd *pw = force && !strcmp(force, "root") ? NULL : getpwnam("libvirt-qemu");
	struct group *gr = pw ? getgrnam("kvm") : NULL;
	if (pw && gr && pw->pw_uid != 0) {
		c->uid = pw->pw_uid;
		c->gid = gr->gr_gid;
		snprintf(c->user, sizeof c->user, "libvirt-qemu:kvm");
	} else {
		c->uid = 0;
		c->gid = 0;
		snprintf(c->user, sizeof c->user, "root:root");
		snprintf(c->user_why, sizeof c->user_why, "%s",
		         force ? "NFX_QEMU_USER=root" : "no libvirt-qemu user or kvm group on this host");
	}
}

/* The embed driver reads ROOT/etc/qemu.conf: QEMU as the unprivileged QEMU
 * user with dynamic ownership (libvirt chowns the disks, the config-data
 * disk, the console log and the hugepage directories to it while the VNF
 * runs, and gives them back), with a mount namespace and cgroups where the
 * probes say this host allows them. ROOT is 0711 and reachable by that
 * user (ACL search entries on the way where needed): QEMU opens files of
 * its own under ROOT/lib. */
static int write_qemu_conf(struct jdm_virt *v, const char *root, const char *hugepage_dir)
{
	struct jdm_virt_confinement *c = &v->conf;
	char dir[4096], path[4200];
	if (mkdirs(root, 0711) < 0 || chmod(root, 0711) < 0)
		return cfg_err_set("%s: %s", root, strerror(errno));
	snprintf(dir, sizeof dir, "%s/etc", root);
	if (mkdirs(dir, 0700) < 0)
		return cfg_err_set("%s: %s", dir, strerror(errno));
	pick_user(c);
	if (c->uid != 0 && jdm_virt_reach(v, root) < 0)
		return -1;
	kvm_device_for(c);
	/* the probes */
	char scratch[PATH_MAX];
	if ((size_t)snprintf(scratch, sizeof scratch, "%s/nsprobe", dir) >= sizeof scratch)
		return cfg_err_set("%s: path too long", dir);
	mkdir(scratch, 0700);
	const char *ns_why = probe_mount_ns(scratch);
	rmdir(scratch);
	c->mount_ns = ns_why == NULL;
	snprintf(c->ns_why, sizeof c->ns_why, "%s", ns_why ? ns_why : "");
	char cg[8][16];
	c->n_cgroups = probe_cgroups(cg, 8, c->cg_why, sizeof c->cg_why);
	c->cgroups[0] = '\0';
	for (size_t i = 0; i < c->n_cgroups; i++) {
		size_t l = strlen(c->cgroups);
		snprintf(c->cgroups + l, sizeof c->cgroups - l, "%s%s", i ? " " : "", cg[i]);
	}
	c->dynamic_ownership = c->uid != 0;

	snprintf(path, sizeof path, "%s/qemu.conf", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		return cfg_err_set("%s: %s", path, strerror(errno));
	fprintf(f, "# written by jdmd (show system inventory says what is in force)\n");
	if (c->uid != 0)
		fprintf(f, "user = \"+%u\"\ngroup = \"+%u\"\ndynamic_ownership = 1\n", (unsigned)c->uid,
		        (unsigned)c->gid);
	else
		fprintf(f, "user = \"root\"\ngroup = \"root\"\ndynamic_ownership = 0\nremember_owner = 0\n");
	fprintf(f, "cgroup_controllers = [");
	for (size_t i = 0; i < c->n_cgroups; i++)
		fprintf(f, "%s\"%s\"", i ? ", " : " ", cg[i]);
	fprintf(f, " ]\nnamespaces = [%s]\nstdio_handler = \"file\"\n", c->mount_ns ? " \"mount\" " : " ");
	if (hugepage_dir)
		fprintf(f, "hugetlbfs_mount = \"%s\"\n", hugepage_dir);
	if (fclose(f) != 0)
		return cfg_err_set("%s: %s", path, strerror(errno));
	return 0;
}

/* qemu:///system, or another libvirtd: libvirtd's qemu.conf rules. Its
 * QEMU user from the DAC base label of the capabilities. */
static void system_confinement(struct jdm_virt *v)
{
	struct jdm_virt_confinement *c = &v->conf;
	char *caps = virConnectGetCapabilities(v->conn);
	const char *dac = caps ? strstr(caps, "<model>dac</model>") : NULL;
	const char *bl = dac ? strstr(dac, "<baselabel type='qemu'>") : NULL;
	unsigned uid = 0, gid = 0;
	if (bl && sscanf(bl + strlen("<baselabel type='qemu'>"), "+%u:+%u", &uid, &gid) == 2) {
		c->uid = uid;
		c->gid = gid;
		struct passwd *pw = getpwuid(uid);
		struct group *gr = getgrgid(gid);
		if (pw && gr)
			snprintf(c->user, sizeof c->user, "%s:%s", pw->pw_name, gr->gr_name);
		else
			snprintf(c->user, sizeof c->user, "%u:%u", uid, gid);
	} else {
		snprintf(c->user, sizeof c->user, "unknown");
		snprintf(c->user_why, sizeof c->user_why, "libvirtd reports no DAC label");
	}
	c->dynamic_ownership = c->uid != 0;
	snprintf(c->ns_why, sizeof c->ns_why, "libvirtd's qemu.conf");
	snprintf(c->cg_why, sizeof c->cg_why, "libvirtd's qemu.conf");
	free(caps);
}

const struct jdm_virt_confinement *jdm_virt_confinement(const struct jdm_virt *v)
{
	return &v->conf;
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
	v->embed = root != NULL;
	if (root) {
		int rc = write_qemu_conf(v, root, hugepage_dir);
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
	if (!v->embed)
		system_confinement(v);
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
