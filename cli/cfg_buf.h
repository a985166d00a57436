/* cfg_buf — a growable text buffer used by every renderer and by the
 * daemon to collect a command's output.
 *
 * Ownership: the buffer owns p; cfg_buf_free() releases it (safe on a
 * zeroed buffer). Allocation failure aborts the process (out of memory is
 * not an operator error we can report sensibly).
 */
#ifndef NFX_CFG_BUF_H
#define NFX_CFG_BUF_H

#include <stddef.h>

struct cfg_buf {
	char *p;      /* NUL-terminated when len > 0 or after any append */
	size_t len, cap;
};

void cfg_buf_init(struct cfg_buf *b);
void cfg_buf_free(struct cfg_buf *b);
void cfg_buf_reset(struct cfg_buf *b);               /* len = 0, keeps memory */
void cfg_buf_add(struct cfg_buf *b, const char *s, size_t n);
void cfg_buf_puts(struct cfg_buf *b, const char *s);
void cfg_buf_putc(struct cfg_buf *b, char c);
void cfg_buf_printf(struct cfg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cfg_buf_indent(struct cfg_buf *b, unsigned spaces);
/* Take ownership of the string (NUL-terminated, never NULL); b is reset. */
char *cfg_buf_steal(struct cfg_buf *b);

#endif
