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
 *   'R' RAW       during a stream: bytes typed by the operator, as is (a
 *                 terminal's Enter is "\r"); ignored outside a stream
 *   'E' END       during a stream: the operator typed the escape byte or
 *                 input ended; the daemon ends the stream with 'D'. Ignored
 *                 outside a stream (the daemon may have ended it first)
 *   'Q' QUERY     an operational command line (no pipes) to run as data: the
 *                 daemon runs it against the operational commands (in either
 *                 mode), with the permission checks of a typed command, as
 *                 `LINE | display xml`; answer 'X' then 'D' '0', or 'O' (the
 *                 error) then 'D' '1'. Only commands with a reply (schema
 *                 attribute `reply`) run: `request ...`, `configure`, `ssh`
 *                 are refused before they act. Not kept in the history.
 *   'W' WATCH     subscribe to events: the event names (reply root elements:
 *                 "vnf-event", "commit-event") separated by spaces, empty for
 *                 all, "none" to stop; replaces an earlier subscription;
 *                 answer 'D' '0'. From then on 'N' frames arrive between any
 *                 other frames, until the connection ends.
 * Daemon → client
 *   'O' OUTPUT    text to print as is
 *   'A' ASK       1 flag byte (ASK_NOECHO 1, ASK_MULTI 2, ASK_LINE 4, ASK_FILE 8)
 *                 + prompt text. ASK_FILE (always with ASK_MULTI; `load ... FILE`):
 *                 the "prompt" is a file name, not printed: the client reads
 *                 the file with its user's rights (a relative name in the
 *                 user's home) and answers 'I' with '0' + the file's contents,
 *                 or '1' + the reason it could not ("Permission denied"), so
 *                 the daemon never opens a path on a user's behalf.
 *                 ASK_FOP (always with ASK_MULTI; `file list|show|copy|delete`,
 *                 cfg_file.h): the "prompt" is not printed but lines OP,
 *                 IMAGE-DIR, ARG, [ARG2] (OP list, list-detail, show, copy,
 *                 delete); the client does it as its user, confined to its
 *                 home (and the image directory, for reading) and answers
 *                 'I' with '0' + the output, or '1' + the error
 *   'C' COMPL     candidates, one per line: "word\thelp"; a first line "=TEXT"
 *                 when the word can be completed to TEXT
 *   'D' DONE      1 status byte ('0' ok, '1' command failed, 'x' session over),
 *                 then the text printed before the prompt ("\n{master:0}[edit]\n"),
 *                 a NUL, then the prompt ("root@jdm# ")
 *   'S' STREAM    a command became a raw byte stream (`request
 *                 virtual-network-functions NAME console`): 1 escape byte
 *                 (CFG_STREAM_ESCAPE, Ctrl-]), then optional text to print
 *                 before the stream starts. Until the 'D' that ends the
 *                 stream, 'O' frames carry the stream's output (raw bytes)
 *                 and the client sends what the operator types as 'R'
 *                 frames (a terminal goes to raw mode) and 'E' when the
 *                 escape byte is typed (not forwarded) or input ends.
 *
 *   'F' FILE      `| save FILE`, `save FILE`: 1 kind byte ('o' the output of a
 *                 command, `| save`; 'c' the configuration, configuration
 *                 mode's `save`), the file name as typed, a NUL, then the
 *                 text to write. The client writes it as its user, only
 *                 inside the user's home (never through a symbolic link, never
 *                 into the daemon's state directory, never onto a file that is
 *                 not a regular file of the user) and prints
 *                 "Wrote N lines of output to 'FILE'" (of configuration, for
 *                 'c') or the error, as Junos says; a failed
 *                 save makes the command count as failed (exit status). The
 *                 daemon writes no file for a save.
 *   'P' PAGE      the output of the running command (its 'O' frames up to its
 *                 'D') goes through the client's pager: the decimal screen
 *                 length (`set cli screen-length N`), then "\nhold" for
 *                 `| hold`. Sent only to a terminal session (HELLO tty=1)
 *                 with a screen length, not for `| no-more`; a client
 *                 that does not page ignores it (cli/cli_pager.h)
 *   'X' XML       the reply of a 'Q', an XML document (cfg_reply.h); the
 *                 element vocabulary of each reply is in cli/schema/ops-*.xml
 *   'N' NOTIFY    an event, an XML document whose root names it (cfg_notify.h):
 *                 <vnf-event> (a VNF's state or liveliness changed) or
 *                 <commit-event> (a commit completed)
 *
 * A data client, as seen on the socket:
 *   → h "client=cli\n"   ← D "0\n{master:0}\n\0root@jdm> "
 *   → Q "show virtual-network-functions"
 *   ← X "<virtual-network-functions-information>\n    <vnf-information>..."
 *   ← D "0..."
 *   → W "commit-event"   ← D "0..."
 *   ... ← N "<commit-event>\n    <sequence-number>3</sequence-number>..."
 *
 * The daemon answers HELLO with a 'D' (status '0') carrying the first prompt.
 * A stream, as seen on the socket:
 *   → L "request virtual-network-functions vrtr1 console"
 *   ← S "\x1d"   ← O "Connected to domain vrtr1\n..."
 *   → R "ls\r"   ← O "ls\r\nbin  etc ..."   → E   ← D "0\n{master:0}\n\0root@jdm> "
 */
#ifndef NFX_CFG_PROTO_H
#define NFX_CFG_PROTO_H

#include <stddef.h>

#define CFG_PROTO_MAX (64u << 20)
/* Until its HELLO a connection is anybody's: its frames are at most this
 * big (a HELLO is a few short lines), and the daemon reads no more than
 * one such frame at a time from it (cfg_daemon.h: caps and idle timeout). */
#define CFG_PROTO_HELLO_MAX 4096u

enum {
	CFG_P_HELLO = 'h', CFG_P_LINE = 'L', CFG_P_COMPLETE = 'T', CFG_P_HELP = 'H', CFG_P_INPUT = 'I',
	CFG_P_RAW = 'R', CFG_P_END = 'E', CFG_P_QUERY = 'Q', CFG_P_WATCH = 'W',
	CFG_P_OUT = 'O', CFG_P_ASK = 'A', CFG_P_COMPL = 'C', CFG_P_DONE = 'D', CFG_P_STREAM = 'S',
	CFG_P_XML = 'X', CFG_P_NOTIFY = 'N', CFG_P_FILE = 'F', CFG_P_PAGE = 'P',
};
/* The escape byte of streams (Ctrl-], as in virsh console and telnet). */
#define CFG_STREAM_ESCAPE 0x1d
#define CFG_ASK_NOECHO 1
#define CFG_ASK_MULTI 2
#define CFG_ASK_LINE 4
#define CFG_ASK_FILE 8
#define CFG_ASK_FOP 16

/* Blocking send of one frame. 0 or -1 (cfg_err set). */
int cfg_proto_send(int fd, char type, const void *payload, size_t len);
/* Blocking receive of one frame. *PAYLOAD is malloc'ed, NUL-terminated (not
 * counted in *LEN); caller frees. Returns 0, 1 on orderly EOF before a frame,
 * -1 on error or a malformed/oversized frame. */
int cfg_proto_recv(int fd, char *type, char **payload, size_t *len);

/* Incremental decoder for the daemon's non-blocking event loop. MAX is
 * the largest payload accepted (0 = CFG_PROTO_MAX; the daemon sets
 * CFG_PROTO_HELLO_MAX until HELLO); a bigger frame is refused as soon as
 * its header arrives. Memory follows the bytes actually received (doubling),
 * never a length a header merely announces. */
struct cfg_proto_rx {
	unsigned char *buf;
	size_t len, cap;
	size_t max;
};
/* Append N received bytes; -1 (cfg_err set) when a frame header in the
 * buffer announces more than the limit. */
int cfg_proto_rx_feed(struct cfg_proto_rx *rx, const void *data, size_t n);
/* Take the next whole frame if there is one: returns 1 (frame out, payload
 * malloc'ed, caller frees), 0 (need more), -1 (malformed / too big). */
int cfg_proto_rx_next(struct cfg_proto_rx *rx, char *type, char **payload, size_t *len);
void cfg_proto_rx_free(struct cfg_proto_rx *rx);

#endif
