/* cli_pager — Junos's `---(more)---` for the interactive cli.
 *
 * The daemon says, before a command's output, that it is to be paged
 * (cfg_proto.h 'P': `set cli screen-length N`, not for `| no-more`, never
 * for scripts). cli_pager_begin() starts a page of N lines (the last of
 * them the `---(more)---` prompt); cli_pager_write() prints output through
 * it; at the prompt the operator types, as on Junos:
 *
 *   space        the next page          enter (or j)  the next line
 *   q (or ^C)    the rest is not shown  /PATTERN      skip to the next line
 *                                                     matching PATTERN
 *                                                     (regex, as `| match`)
 *   G            the rest without stopping
 *
 * cli_pager_end() (at the command's 'D') ends the paging; with `| hold` the
 * prompt `---(more 100%)---` stays until a key is typed.
 *
 * The keys are read from IN_FD (a terminal: it is put in non-canonical mode
 * without echo for each key and restored), output goes to OUT.
 */
#ifndef NFX_CLI_PAGER_H
#define NFX_CLI_PAGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Page the output that follows: ROWS lines a screen (>= 2), COLS columns
 * (long lines take several rows), HOLD: `| hold`. */
void cli_pager_begin(int in_fd, FILE *out, unsigned rows, unsigned cols, bool hold);
/* The pager is on (between begin and end). */
bool cli_pager_active(void);
/* Print N bytes of P through the pager. */
void cli_pager_write(const char *p, size_t n);
/* The command's output ended. */
void cli_pager_end(void);

#endif
