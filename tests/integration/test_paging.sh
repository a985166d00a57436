#!/usr/bin/env bash
# Paging as Junos pages (Junos CLI User Guide, "Controlling the CLI
# environment: screen-length" and "Using the --More-- prompt"): on a
# pseudo-terminal, `set cli screen-length N` stops the output of a command
# every N lines at `---(more)---`: space shows the next page, Enter the next
# line, q ends the output, /PATTERN skips to a line matching it;
# `| no-more` and `set cli screen-length 0` turn it off, `| hold` keeps
# `---(more 100%)---` at the end. A script (no terminal) is never paged.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
BUILD="${NFX_BUILD:-$ROOT/build}"
CLI="$BUILD/cli/cli"
state="$(mktemp -d /tmp/nfx-it-paging.XXXXXX)"
pid=""
cleanup() {
	local rc=$?
	if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; fi
	rm -rf "$state"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

"$BUILD/jdm/jdmd" --state-dir "$state" --hypervisor none >"$state/jdmd.log" 2>&1 &
pid=$!
for _ in $(seq 500); do [[ -S "$state/jdm.sock" ]] && break; sleep 0.02; done
[[ -S "$state/jdm.sock" ]] || fail "jdmd did not start"

# ten VLANs: `show configuration` is 4 + 3*10 lines
{ echo configure; for i in $(seq 100 109); do echo "set host-os vlans v$i vlan-id $i"; done; echo commit; } |
	timeout 60 "$CLI" --socket "$state/jdm.sock" >"$state/commit.out" 2>&1 || { cat "$state/commit.out"; fail "commit"; }

echo "--- a script is never paged"
out="$(printf 'set cli screen-length 5\nshow configuration\n' | timeout 60 "$CLI" --socket "$state/jdm.sock")"
grep -q -- '---(more' <<<"$out" && { echo "$out"; fail "a script was paged"; }
grep -q 'v109 {' <<<"$out" || { echo "$out"; fail "the script's output is not whole"; }

echo "--- on a pseudo-terminal"
NFX_CLI_BIN="$CLI" NFX_SOCK="$state/jdm.sock" NFX_HOME="$state" timeout 120 python3 - <<'PY'
import fcntl, os, pty, re, select, struct, sys, termios, time

cli, sock = os.environ["NFX_CLI_BIN"], os.environ["NFX_SOCK"]
pid, fd = pty.fork()
if pid == 0:
    os.environ["HOME"] = os.environ["NFX_HOME"]  # its history stays in the test's dir
    os.environ["TERM"] = "dumb"
    os.execv(cli, [cli, "--socket", sock])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 80, 0, 0))
buf = b""

def fail(msg):
    sys.stderr.write("FAIL: %s\n--- screen:\n%s\n" % (msg, buf.decode(errors="replace")[-3000:]))
    sys.exit(1)

def expect(pat, timeout=30):
    """Read until PAT (a regex over the text since the last expect)."""
    global buf
    end = time.time() + timeout
    rx = re.compile(pat.encode(), re.S)
    while True:
        m = rx.search(buf)
        if m:
            got, buf = buf[:m.end()], buf[m.end():]
            # the pager erases its prompt: "\r", spaces, "\r"
            return re.sub(r"\r *\r", "", got.decode(errors="replace"))
        left = end - time.time()
        if left <= 0:
            fail("no %r within %ds" % (pat, timeout))
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                d = os.read(fd, 4096)
            except OSError:
                d = b""
            if not d:
                fail("the cli went away waiting for %r" % pat)
            buf += d

def quiet(pat, secs=1.0):
    """PAT does not show within SECS (after the output settled)."""
    global buf
    end = time.time() + secs
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], end - time.time())
        if r:
            buf += os.read(fd, 4096)
    if re.search(pat.encode(), buf):
        fail("%r showed" % pat)

PROMPT = r"root@jdm> $"
def send(s):
    os.write(fd, s.encode())

expect(PROMPT)
send("set cli screen-length 5\r")
expect(r"Screen length set to 5.*" + PROMPT)

# a page is 4 lines and the prompt (without the "## Last commit" header,
# whose time changes)
SHOW = 'show configuration | except "^## Last"'
send(SHOW + "\r")
got = expect(r"---\(more\)---")
body = got.split(SHOW, 1)[1].strip("\r\n").split("\r\n")
body = [l for l in body if l and "---(more)---" not in l]
if body != ["host-os {", "    vlans {", "        v100 {", "            vlan-id 100;"]:
    fail("first page: %r" % body)
# space: the next page
send(" ")
got = expect(r"---\(more\)---")
if "v101 {" not in got or "v102" in got:
    fail("second page: %r" % got)
# enter: one line more
send("\r")
got = expect(r"---\(more\)---")
lines = [l for l in got.replace("\r", "").split("\n") if l.strip(" ") and "more" not in l]
if lines != ["        v102 {"]:
    fail("enter showed %r" % lines)
# q: the rest is not shown
send("q")
got = expect(PROMPT)
if "v103" in got:
    fail("q went on: %r" % got)

# /PATTERN: skip to it
send("show configuration\r")
expect(r"---\(more\)---")
send("/v108\r")
got = expect(r"---\(more\)---")
if "...skipping..." not in got or "v108 {" not in got or "v104" in got:
    fail("search: %r" % got)
send("q")
expect(PROMPT)

# | no-more: not paged
send("show configuration | no-more\r")
got = expect(r"v109 \{.*" + PROMPT)
if "---(more" in got:
    fail("| no-more was paged")

# | hold: the prompt stays at the end
send("set cli screen-length 100\r")
expect(PROMPT)
send("show configuration | hold\r")
expect(r"v109 \{.*---\(more 100%\)---")
quiet(PROMPT)
send("q")
expect(PROMPT)

# screen-length 0: off
send("set cli screen-length 0\r")
expect(r"Screen length set to 0.*" + PROMPT)
send("show configuration\r")
got = expect(r"v109 \{.*" + PROMPT)
if "---(more" in got:
    fail("screen-length 0 was paged")
send("exit\r")
os.waitpid(pid, 0)
print("paging ok")
PY
echo "PASS"
