/* vnf-baseline — the baseline a script writer would use for bench/vnf: one
 * long-lived libvirt connection that defines and starts N domains from N
 * threads at once, timed from the first define until every domain runs.
 *
 *   vnf-baseline [--warm XML] URI DOMAIN.xml...
 *
 * Untimed first (the connection is long-lived, as in a daemon or a script
 * that keeps it open): open URI, ask for the domain capabilities (a fresh
 * driver probes QEMU here) and, with --warm, define and undefine the domain
 * of XML. Then one thread per file: virDomainDefineXML + virDomainCreate;
 * the main thread joins them and checks that each domain is running.
 *
 * Prints one line on stdout: "N domains running in MS ms" and, on stderr,
 * the warm-up time and each thread's define and start times. Exit status 0
 * if every domain runs. The domains are left running (the caller stops them:
 * the embedded driver does not stop QEMU when this process exits).
 *
 * libvirt's embedded driver (qemu:///embed?root=DIR) needs an event loop:
 * the default implementation runs in a thread of its own.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

static atomic_bool stop_loop;

static void *event_loop(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop_loop))
		if (virEventRunDefaultImpl() < 0)
			break;
	return NULL;
}

static void wake(int timer, void *opaque)
{
	(void)timer;
	(void)opaque;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static const char *last_error(void)
{
	virErrorPtr e = virGetLastError();
	return e && e->message ? e->message : "unknown libvirt error";
}

/* The contents of file PATH, NUL-terminated; NULL on error. Caller frees. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t cap = 8192, len = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
		if (cap - len < 2) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (buf)
		buf[len] = '\0';
	fclose(f);
	return buf;
}

struct job {
	virConnectPtr conn;
	const char *path;
	char *xml;
	virDomainPtr dom;
	double t_defined, t_started; /* ms since the start */
	double t0;
	char err[512];
};

static void *run_job(void *arg)
{
	struct job *j = arg;
	j->dom = virDomainDefineXML(j->conn, j->xml);
	if (!j->dom) {
		snprintf(j->err, sizeof j->err, "define %s: %s", j->path, last_error());
		return NULL;
	}
	j->t_defined = now_ms() - j->t0;
	if (virDomainCreate(j->dom) < 0) {
		snprintf(j->err, sizeof j->err, "start %s: %s", j->path, last_error());
		return NULL;
	}
	j->t_started = now_ms() - j->t0;
	return NULL;
}

static void quiet(void *opaque, virErrorPtr err)
{
	(void)opaque;
	(void)err;
}

int main(int argc, char **argv)
{
	const char *warm = NULL;
	int i = 1;
	if (i + 1 < argc && !strcmp(argv[i], "--warm")) {
		warm = argv[i + 1];
		i += 2;
	}
	if (argc - i < 2) {
		fprintf(stderr, "usage: vnf-baseline [--warm XML] URI DOMAIN.xml...\n");
		return 2;
	}
	const char *uri = argv[i++];
	int n = argc - i;

	virSetErrorFunc(NULL, quiet);
	if (virInitialize() < 0 || virEventRegisterDefaultImpl() < 0) {
		fprintf(stderr, "vnf-baseline: cannot initialise libvirt\n");
		return 1;
	}
	/* a periodic timer keeps virEventRunDefaultImpl returning, so the loop
	 * thread sees stop_loop */
	int timer = virEventAddTimeout(200, wake, NULL, NULL);
	pthread_t loop;
	if (pthread_create(&loop, NULL, event_loop, NULL) != 0) {
		fprintf(stderr, "vnf-baseline: cannot start the event loop thread\n");
		return 1;
	}

	struct job *jobs = calloc((size_t)n, sizeof *jobs);
	if (!jobs)
		return 1;
	for (int k = 0; k < n; k++) {
		jobs[k].path = argv[i + k];
		jobs[k].xml = slurp(jobs[k].path);
		if (!jobs[k].xml) {
			fprintf(stderr, "vnf-baseline: %s: %s\n", jobs[k].path, strerror(errno));
			return 1;
		}
	}

	/* untimed: the long-lived connection and a warm driver */
	double w0 = now_ms();
	virConnectPtr conn = virConnectOpen(uri);
	if (!conn) {
		fprintf(stderr, "vnf-baseline: cannot open %s: %s\n", uri, last_error());
		return 1;
	}
	char *caps = virConnectGetDomainCapabilities(conn, NULL, "x86_64", NULL, "qemu", 0);
	if (!caps) {
		fprintf(stderr, "vnf-baseline: domain capabilities: %s\n", last_error());
		return 1;
	}
	free(caps);
	if (warm) {
		char *wx = slurp(warm);
		virDomainPtr wd = wx ? virDomainDefineXML(conn, wx) : NULL;
		if (!wd) {
			fprintf(stderr, "vnf-baseline: warm-up define %s: %s\n", warm,
			        wx ? last_error() : strerror(errno));
			return 1;
		}
		virDomainUndefine(wd);
		virDomainFree(wd);
		free(wx);
	}
	fprintf(stderr, "vnf-baseline: connection open and driver warm in %.0f ms (untimed)\n",
	        now_ms() - w0);

	/* timed: N threads define + start, until every domain runs */
	pthread_t *th = calloc((size_t)n, sizeof *th);
	if (!th)
		return 1;
	double t0 = now_ms();
	for (int k = 0; k < n; k++) {
		jobs[k].conn = conn;
		jobs[k].t0 = t0;
		if (pthread_create(&th[k], NULL, run_job, &jobs[k]) != 0) {
			fprintf(stderr, "vnf-baseline: cannot start thread %d\n", k);
			return 1;
		}
	}
	int failed = 0;
	for (int k = 0; k < n; k++)
		pthread_join(th[k], NULL);
	for (int k = 0; k < n; k++) {
		if (jobs[k].err[0]) {
			fprintf(stderr, "vnf-baseline: %s\n", jobs[k].err);
			failed++;
			continue;
		}
		int state = 0, reason = 0;
		if (virDomainGetState(jobs[k].dom, &state, &reason, 0) < 0 || state != VIR_DOMAIN_RUNNING) {
			fprintf(stderr, "vnf-baseline: %s: not running after start\n", jobs[k].path);
			failed++;
		}
	}
	double total = now_ms() - t0;
	for (int k = 0; k < n; k++)
		if (!jobs[k].err[0])
			fprintf(stderr, "vnf-baseline: %s: defined at %.0f ms, running at %.0f ms\n",
			        jobs[k].path, jobs[k].t_defined, jobs[k].t_started);
	if (!failed)
		printf("%d domains running in %.0f ms\n", n, total);

	for (int k = 0; k < n; k++) {
		if (jobs[k].dom)
			virDomainFree(jobs[k].dom);
		free(jobs[k].xml);
	}
	free(jobs);
	free(th);
	virConnectClose(conn);
	atomic_store(&stop_loop, true);
	pthread_join(loop, NULL);
	virEventRemoveTimeout(timer);
	return failed ? 1 : 0;
}
