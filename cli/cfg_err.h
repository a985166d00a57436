/* cfg_err — the one error convention of nfx.
 *
 * Functions return 0 on success and -1 on error after recording a message
 * with cfg_err_set(). The message is for the operator (no "errno=" noise);
 * it is kept per thread until the next cfg_err_set() or cfg_err_clear().
 */
#ifndef NFX_CFG_ERR_H
#define NFX_CFG_ERR_H

#include <stdarg.h>

/* Record an error message (printf format). Always returns -1 so callers
 * can write `return cfg_err_set("...")`. */
int cfg_err_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cfg_err_vset(const char *fmt, va_list ap);
/* The last recorded message, "" if none. Owned by the module; valid until
 * the next cfg_err_* call on this thread. */
const char *cfg_err_msg(void);
void cfg_err_clear(void);

#endif
