/* cfg_help — Junos's `help` command from the schema's help text:
 * `help apropos STRING` (every command of the session's mode and every
 * configuration statement whose keyword or help mentions STRING, case
 * insensitive, as `set ...` lines for statements), `help reference
 * STATEMENT` (a statement's syntax, hierarchy level, description and
 * options, all from the configuration schema) and `help topic STATEMENT`
 * (nfx has no prose topics: the description and what the statement holds).
 * Only what the session's class may see or run is listed.
 *
 * Handlers: help_apropos, help_reference, help_topic (cli/schema/ops-*.xml
 * and cfgmode.xml); cfg_help_register_all() registers them.
 */
#ifndef NFX_CFG_HELP_H
#define NFX_CFG_HELP_H

#include "cfg_daemon.h"

/* Register the help handlers on D. 0 or -1. */
int cfg_help_register_all(struct cfg_daemon *d);

#endif
