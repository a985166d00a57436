/* bench — what bench-config's two sections share: the generated
 * configuration, the clock, medians, and the library figures the daemon
 * section prints beside its own. */
#ifndef NFX_BENCH_H
#define NFX_BENCH_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg_buf.h"

/* Goals of the issue, for the path the user waits on (cli -> jdmd, at 100k
 * statements). Printed, never asserted. */
#define GOAL_D_ONE_MS 10.0      /* one-line commit */
#define GOAL_D_CHECK_MS 5.0     /* commit check of one change */
#define GOAL_D_LOAD_MS 400.0    /* load set terminal + commit of the whole config */
#define GOAL_D_DSET_MS 50.0     /* show configuration | display set, at 100k */

/* What the library section measured for one size (seconds; medians where
 * it repeats). */
struct bench_lib_fig {
	size_t n;           /* statements */
	double base;        /* split + hash of the text */
	double load;        /* cfg_load_set of the whole text */
	double commit;      /* cfg_commit of the whole tree onto an empty one */
	double one;         /* one-line commit */
	double check;       /* cfg_commit_check of a candidate with one change */
	double dset;        /* cfg_render_set of the whole tree */
	double tab_vlan;    /* cfg_complete: vlan members <TAB> */
	double tab_vnf;     /* cfg_complete: virtual-network-functions <TAB> */
};

/* Room for the run's directories (a unix socket path is short anyway). */
#define BENCH_DIR_MAX 200

struct bench_daemon_opts {
	const char *jdmd;   /* path of jdmd */
	const char *cli;    /* path of cli */
	const char *tmp;    /* parent of the daemon's state directory */
	int runs;           /* repetitions of the small operations */
	int load_runs;      /* repetitions of load set + commit of the whole config */
	bool verbose;       /* show each sample */
};

double bench_now(void);
/* Median of V[0..N) (sorts V). 0 when N is 0. */
double bench_median(double *v, int n);
/* The branch-office configuration of about N set lines (appended to B). */
void bench_gen(struct cfg_buf *b, size_t n);
/* Split + hash (the baseline loop). */
unsigned long long bench_baseline(const char *t, size_t len);

/* The daemon section for one size: TEXT is the configuration (bench_gen),
 * LIB the library figures of the same size. 0, or -1 after a message on
 * stderr (everything it started is stopped and its directory removed). */
int bench_daemon_run(const struct bench_daemon_opts *o, const struct cfg_buf *text,
                     const struct bench_lib_fig *lib);

/* Set by SIGINT/SIGTERM: everything stops and cleans up. */
extern volatile int bench_stop;

#endif
