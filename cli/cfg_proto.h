/* cfg_proto — framing of the CLI ⇄ daemon unix socket.
 *
 * A frame is 1 type byte, a 4-byte big-endian payload length, the payload
 * (at most CFG_PROTO_MAX bytes). The daemon identifies the peer with
 * SO_PEERCRED; nothing in the frames is trusted for identity.
 *
 * Client → daemon
 *   'h' HELLO     "key=value\n" lines: tty=0|1, cols=N, client=cli|ssh
 *   'L' LINE      one command line (no newline)
 *   'T' COMPLETE  the line up to the cursor; answer 'C'
 *   'H' HELP      the line up to the cursor (`?`); answer 'O' then 'D'
 *   'I' INPUT     answer to an 'A' request (for ASK_MULTI: all lines joined
 *                 with '\n'; first byte '0' = input ended normally, '1' =
 *                 standard input reached its end)
 * Daemon → client
 *   'O' OUTPUT    text to print as is
 *   'A' ASK       1 flag byte (ASK_NOECHO 1, ASK_MULTI 2, ASK_LINE 4) + prompt text
 *   'C' COMPL     candidates, one per line: "word\thelp"; a first line "=TEXT"
 *                 when the word can be completed to TEXT
 *   'D' DONE      1 status byte ('0' ok, '1' command failed, 'x' session over),
 *                 then the text printed before the prompt ("\n{master:0}[edit]\n"),
 *                 a NUL, then the prompt ("root@jdm# ")
 *
 * The daemon answers HELLO with a 'D' (status '0') carrying the first prompt.
 */
#ifndef NFX_CFG_PROTO_H
#define NFX_CFG_PROTO_H

#include <stddef.h>

#define CFG_PROTO_MAX (64u << 20)

enum {
	CFG_P_HELLO = 'h', CFG_P_LINE = 'L', CFG_P_COMPLETE = 'T', CFG_P_HELP = 'H', CFG_P_INPUT = 'I',
	CFG_P_OUT = 'O', CFG_P_ASK = 'A', CFG_P_COMPL = 'C', CFG_P_DONE = 'D',
};
#define CFG_ASK_NOECHO 1
#define CFG_ASK_MULTI 2
#define CFG_ASK_LINE 4

/* Blocking send of one frame. 0 or -1 (cfg_err set). */
int cfg_proto_send(int fd, char type, const void *payload, size_t len);
/* Blocking receive of one frame. *PAYLOAD is malloc'ed, NUL-terminated (not
 * counted in *LEN); caller frees. Returns 0, 1 on orderly EOF before a frame,
 * -1 on error or a malformed/oversized frame. */
int cfg_proto_recv(int fd, char *type, char **payload, size_t *len);

/* Incremental decoder for the daemon's non-blocking event loop. */
struct cfg_proto_rx {
	unsigned char *buf;
	size_t len, cap;
};
/* Append N received bytes. */
int cfg_proto_rx_feed(struct cfg_proto_rx *rx, const void *data, size_t n);
/* Take the next whole frame if there is one: returns 1 (frame out, payload
 * malloc'ed, caller frees), 0 (need more), -1 (malformed / too big). */
int cfg_proto_rx_next(struct cfg_proto_rx *rx, char *type, char **payload, size_t *len);
void cfg_proto_rx_free(struct cfg_proto_rx *rx);

#endif
