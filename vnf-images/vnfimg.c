/* vnfimg — image inspection, checksum sidecars, `show vnf-images`. */
#include "vnfimg.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg_buf.h"
#include "cfg_err.h"
#include "cfg_reply.h"
#include "vnfimg_hash.h"

#define QCOW2_MAGIC "QFI\xfb"
#define QCOW2_V2_HDR 72
#define QCOW2_V3_HDR 104
#define QCOW2_MIN_CLUSTER_BITS 9
#define QCOW2_MAX_CLUSTER_BITS 21
#define QCOW2_BACKING_NAME_MAX 1023
#define QCOW2_EXT_END 0x00000000u
#define QCOW2_EXT_BACKING_FORMAT 0xe2792acau
#define QCOW2_EXT_DATA_FILE 0x44415441u

/* Inspection context shared along one backing chain. Heap-allocated. */
struct ictx {
	const char *image_dir;                 /* as the caller gave it, or NULL */
	char image_dir_real[PATH_MAX];
	char visited[VNFIMG_CHAIN_MAX + 2][PATH_MAX];
	unsigned nvisited;
	char why[2048];                        /* reason, without "image PATH: " */
};

static int why(struct ictx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int why(struct ictx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	return -1;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/* Read up to n bytes at off; returns bytes read (short only at EOF) or -1. */
static ssize_t pread_full(int fd, void *buf, size_t n, off_t off)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, (char *)buf + got, n - got, off + (off_t)got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* Is real (a realpath) strictly inside dir (a realpath)? */
static bool path_inside(const char *real, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return real[0] == '/' && real[1] != '\0';
	return strncmp(real, dir, n) == 0 && real[n] == '/' && real[n + 1] != '\0';
}

/* A name QEMU would parse as a protocol: "nbd:...", "json:{...}",
 * "http://..." — a ':' before any '/'. */
static bool looks_like_protocol(const char *name)
{
	const char *colon = strchr(name, ':');
	const char *slash = strchr(name, '/');
	return colon && (!slash || colon < slash);
}

/* Resolve name (as written in the image at image_path) like QEMU does —
 * relative to the image's directory — then realpath it into real and
 * check it lies inside the image directory. what is "backing file" or
 * "data file". */
static int resolve_ref(struct ictx *c, const char *image_path, const char *name,
		       const char *what, char real[PATH_MAX])
{
	char joined[PATH_MAX * 2];
	if (looks_like_protocol(name))
		return why(c, "%s %s uses a protocol (not allowed)", what, name);
	if (name[0] == '/') {
		snprintf(joined, sizeof(joined), "%s", name);
	} else {
		const char *slash = strrchr(image_path, '/');
		if (!slash)
			snprintf(joined, sizeof(joined), "%s", name);
		else
			snprintf(joined, sizeof(joined), "%.*s/%s",
				 (int)(slash - image_path == 0 ? 1 : slash - image_path),
				 image_path, name);
	}
	if (strlen(joined) >= PATH_MAX)
		return why(c, "%s %s: path too long", what, name);
	if (!realpath(joined, real)) {
		if (errno == ENOENT || errno == ENOTDIR)
			return why(c, "%s %s does not exist", what, joined);
		return why(c, "%s %s: %s", what, joined, strerror(errno));
	}
	if (c->image_dir && !path_inside(real, c->image_dir_real))
		return why(c, "%s %s is outside %s", what, real, c->image_dir);
	return 0;
}

static int inspect_one(struct ictx *c, const char *path, const char *declared, unsigned depth,
		       struct vnfimg_info *out);

/* Parse the qcow2 header of the open image fd (size bytes). */
static int parse_qcow2(struct ictx *c, int fd, const char *path, uint64_t size, unsigned depth,
		       struct vnfimg_info *out)
{
	uint8_t h[QCOW2_V3_HDR];
	ssize_t r = pread_full(fd, h, QCOW2_V2_HDR, 0);
	if (r < 0)
		return why(c, "cannot read: %s", strerror(errno));
	if (r < QCOW2_V2_HDR)
		return why(c, "truncated qcow2 header");
	uint32_t version = be32(h + 4);
	if (version != 2 && version != 3)
		return why(c, "unsupported qcow2 version %" PRIu32, version);
	out->format = VNFIMG_FORMAT_QCOW2;
	out->qcow2_version = version;
	uint64_t backing_off = be64(h + 8);
	uint32_t backing_len = be32(h + 16);
	out->cluster_bits = be32(h + 20);
	out->virtual_size = be64(h + 24);
	uint32_t crypt = be32(h + 32);
	if (out->cluster_bits < QCOW2_MIN_CLUSTER_BITS || out->cluster_bits > QCOW2_MAX_CLUSTER_BITS)
		return why(c, "invalid qcow2 cluster size (cluster_bits %" PRIu32 ")", out->cluster_bits);
	uint64_t cluster = 1ull << out->cluster_bits;
	if (crypt > VNFIMG_CRYPT_LUKS)
		return why(c, "invalid qcow2 encryption method %" PRIu32, crypt);
	out->crypt_method = (enum vnfimg_crypt)crypt;
	if (out->virtual_size > (uint64_t)INT64_MAX)
		return why(c, "invalid qcow2 virtual size");
	out->header_length = QCOW2_V2_HDR;
	if (version == 3) {
		r = pread_full(fd, h + QCOW2_V2_HDR, QCOW2_V3_HDR - QCOW2_V2_HDR, QCOW2_V2_HDR);
		if (r < 0)
			return why(c, "cannot read: %s", strerror(errno));
		if (r < QCOW2_V3_HDR - QCOW2_V2_HDR)
			return why(c, "truncated qcow2 header");
		out->incompatible_features = be64(h + 72);
		out->compatible_features = be64(h + 80);
		out->autoclear_features = be64(h + 88);
		out->header_length = be32(h + 100);
		if (out->header_length < QCOW2_V3_HDR || out->header_length > cluster)
			return why(c, "invalid qcow2 header length %" PRIu32, out->header_length);
		if (out->header_length > size)
			return why(c, "truncated qcow2 header");
		uint64_t unknown = out->incompatible_features & ~VNFIMG_INCOMPAT_KNOWN;
		if (unknown)
			return why(c, "unsupported qcow2 incompatible features 0x%" PRIx64, unknown);
		if (out->incompatible_features & VNFIMG_INCOMPAT_CORRUPT)
			return why(c, "qcow2 image is marked corrupt (repair with qemu-img check -r all)");
	}

	/* Header extensions: after the header, up to the end of cluster 0. */
	uint64_t off = out->header_length;
	uint64_t limit = cluster < size ? cluster : size;
	for (unsigned n = 0; n < 1024 && off + 8 <= limit; n++) {
		uint8_t eh[8];
		if (pread_full(fd, eh, 8, (off_t)off) != 8)
			return why(c, "truncated qcow2 header extension");
		uint32_t type = be32(eh), len = be32(eh + 4);
		if (type == QCOW2_EXT_END)
			break;
		if (off + 8 + len > limit)
			return why(c, "invalid qcow2 header extension 0x%08" PRIx32, type);
		if (type == QCOW2_EXT_BACKING_FORMAT || type == QCOW2_EXT_DATA_FILE) {
			char *dst = type == QCOW2_EXT_DATA_FILE ? out->data_file : out->backing_format;
			size_t cap = type == QCOW2_EXT_DATA_FILE ? sizeof(out->data_file)
								 : sizeof(out->backing_format);
			if (len >= cap)
				return why(c, "invalid qcow2 header extension 0x%08" PRIx32, type);
			if (pread_full(fd, dst, len, (off_t)(off + 8)) != (ssize_t)len)
				return why(c, "truncated qcow2 header extension");
			dst[len] = '\0';
			if (strlen(dst) != len)
				return why(c, "invalid qcow2 header extension 0x%08" PRIx32, type);
		}
		off += 8 + (((uint64_t)len + 7) & ~7ull);
	}

	if ((out->incompatible_features & VNFIMG_INCOMPAT_DATA_FILE) && !out->data_file[0])
		return why(c, "qcow2 external data file is not named in the image");
	if (out->data_file[0]) {
		char real[PATH_MAX];
		if (resolve_ref(c, path, out->data_file, "data file", real) < 0)
			return -1;
	}

	if (backing_off != 0 && backing_len != 0) {
		if (backing_len > QCOW2_BACKING_NAME_MAX)
			return why(c, "qcow2 backing file name too long");
		if (backing_off + backing_len > cluster)
			return why(c, "invalid qcow2 backing file offset");
		if (backing_off + backing_len > size)
			return why(c, "truncated qcow2 header");
		r = pread_full(fd, out->backing_file, backing_len, (off_t)backing_off);
		if (r < 0)
			return why(c, "cannot read: %s", strerror(errno));
		if (r < (ssize_t)backing_len)
			return why(c, "truncated qcow2 header");
		out->backing_file[backing_len] = '\0';
		if (strlen(out->backing_file) != backing_len)
			return why(c, "invalid qcow2 backing file name");
	}
	if (!out->backing_file[0])
		return 0;

	/* The backing chain. */
	const char *bfmt = NULL;
	if (out->backing_format[0]) {
		if (strcmp(out->backing_format, "qcow2") && strcmp(out->backing_format, "raw"))
			return why(c, "backing file %s has unsupported format %s", out->backing_file,
				   out->backing_format);
		bfmt = out->backing_format;
	}
	char real[PATH_MAX];
	if (resolve_ref(c, path, out->backing_file, "backing file", real) < 0)
		return -1;
	snprintf(out->backing_path, sizeof(out->backing_path), "%s", real);
	for (unsigned i = 0; i < c->nvisited; i++)
		if (strcmp(c->visited[i], real) == 0)
			return why(c, "backing chain loop at %s", real);
	if (depth + 1 > VNFIMG_CHAIN_MAX)
		return why(c, "backing chain longer than %d images", VNFIMG_CHAIN_MAX);
	snprintf(c->visited[c->nvisited++], PATH_MAX, "%s", real);

	struct vnfimg_info *sub = calloc(1, sizeof(*sub));
	if (!sub)
		return why(c, "out of memory");
	int rc = inspect_one(c, real, bfmt, depth + 1, sub);
	if (rc < 0) {
		char inner[sizeof(c->why)];
		memcpy(inner, c->why, sizeof(inner));
		why(c, "backing file %s: %s", real, inner);
	} else {
		out->chain_depth = sub->chain_depth + 1;
	}
	free(sub);
	return rc;
}

static int inspect_one(struct ictx *c, const char *path, const char *declared, unsigned depth,
		       struct vnfimg_info *out)
{
	struct stat st;
	memset(out, 0, sizeof(*out));
	if (stat(path, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return why(c, "file does not exist");
		return why(c, "cannot read: %s", strerror(errno));
	}
	if (S_ISDIR(st.st_mode))
		return why(c, "is a directory");
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return why(c, "not a regular file");
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return why(c, "cannot read: %s", strerror(errno));
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return why(c, "cannot read: %s", strerror(e));
	}
	uint64_t size;
	if (S_ISBLK(st.st_mode)) {
		off_t end = lseek(fd, 0, SEEK_END);
		if (end < 0) {
			int e = errno;
			close(fd);
			return why(c, "cannot read: %s", strerror(e));
		}
		size = (uint64_t)end;
	} else {
		size = (uint64_t)st.st_size;
	}
	out->file_size = size;
	out->actual_size = S_ISBLK(st.st_mode) ? size : (uint64_t)st.st_blocks * 512;
	if (size == 0) {
		close(fd);
		return why(c, "empty file");
	}

	uint8_t magic[4];
	ssize_t r = pread_full(fd, magic, sizeof(magic), 0);
	if (r < 0) {
		int e = errno;
		close(fd);
		return why(c, "cannot read: %s", strerror(e));
	}
	bool is_qcow2 = r == 4 && memcmp(magic, QCOW2_MAGIC, 4) == 0;
	int rc = 0;
	if ((declared && strcmp(declared, "raw") == 0) || (!declared && !is_qcow2)) {
		out->format = VNFIMG_FORMAT_RAW;
		out->virtual_size = size;
	} else if (!is_qcow2) {
		if (memcmp(magic, QCOW2_MAGIC, (size_t)r) == 0)
			rc = why(c, "truncated qcow2 header");
		else
			rc = why(c, "not a qcow2 image (bad magic)");
	} else {
		rc = parse_qcow2(c, fd, path, size, depth, out);
	}
	close(fd);
	return rc;
}

int vnfimg_confine(const char *what, const char *path, const char *const *dirs, size_t n,
		   char *real_out)
{
	char real[PATH_MAX], dreal[PATH_MAX];
	if (!path || !*path)
		return cfg_err_set("%s: no path given", what);
	if (path[0] != '/')
		return cfg_err_set("%s %s: not an absolute path", what, path);
	if (!realpath(path, real)) {
		/* a file still to come: its directory must be confined, and its
		   name a name (whether it exists is the caller's to say) */
		const char *slash = strrchr(path, '/');
		char dir[PATH_MAX];
		int e = errno;
		if (e != ENOENT || (size_t)(slash - path) >= sizeof dir || !strcmp(slash + 1, ".") ||
		    !strcmp(slash + 1, "..") || !slash[1])
			return cfg_err_set("%s %s: %s", what, path, strerror(e));
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
		if (!realpath(dir[0] ? dir : "/", dreal)) {
			if (errno == ENOENT || errno == ENOTDIR)
				return cfg_err_set("%s %s does not exist", what, path);
			return cfg_err_set("%s %s: %s", what, path, strerror(errno));
		}
		if ((size_t)snprintf(real, sizeof real, "%s/%s", strcmp(dreal, "/") ? dreal : "",
				     slash + 1) >= sizeof real)
			return cfg_err_set("%s %s: path too long", what, path);
	}
	struct stat st;
	if (stat(real, &st) == 0 && S_ISDIR(st.st_mode))
		return cfg_err_set("%s %s is a directory", what, path);
	size_t resolved = 0;
	for (size_t i = 0; i < n; i++) {
		if (!dirs[i] || !realpath(dirs[i], dreal))
			continue;
		resolved++;
		if (path_inside(real, dreal)) {
			if (real_out)
				snprintf(real_out, VNFIMG_PATH_MAX, "%s", real);
			return (int)i;
		}
	}
	char list[1024] = "";
	size_t len = 0;
	for (size_t i = 0; i < n && len < sizeof list; i++)
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "",
					dirs[i] ? dirs[i] : "");
	if (n && !resolved)
		return cfg_err_set("%s %s: no image directory to hold it (%s: %s)", what, path, list,
				   strerror(ENOENT));
	bool moved = strcmp(real, path) != 0;
	return cfg_err_set("%s %s%s%s%s is outside the image director%s %s", what, path,
			   moved ? " (" : "", moved ? real : "", moved ? ")" : "",
			   n == 1 ? "y" : "ies", n ? list : "(none)");
}

int vnfimg_inspect(const char *path, const char *declared_type, const char *image_dir,
		   struct vnfimg_info *out)
{
	if (!path || !*path || !out)
		return cfg_err_set("image: no path given");
	if (declared_type && strcmp(declared_type, "qcow2") && strcmp(declared_type, "raw"))
		return cfg_err_set("image %s: unknown image type %s (expected qcow2 or raw)", path,
				   declared_type);
	struct ictx *c = calloc(1, sizeof(*c));
	if (!c)
		return cfg_err_set("image %s: out of memory", path);
	if (image_dir) {
		if (!realpath(image_dir, c->image_dir_real)) {
			int e = errno;
			free(c);
			return cfg_err_set("image directory %s: %s", image_dir, strerror(e));
		}
		c->image_dir = image_dir;
	}
	char real[PATH_MAX];
	if (realpath(path, real))
		snprintf(c->visited[c->nvisited++], PATH_MAX, "%s", real);
	int rc = inspect_one(c, path, declared_type, 0, out);
	if (rc < 0)
		cfg_err_set("image %s: %s", path, c->why);
	free(c);
	return rc;
}

/* ---- checksums ------------------------------------------------------------ */

struct ck_id {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
};

struct ck_entry {
	char path[PATH_MAX];
	struct ck_id img, side;
	char state[32];
	bool used;
};

#define CK_CACHE_N 32
static struct ck_entry ck_cache[CK_CACHE_N];
static unsigned ck_next;
static pthread_mutex_t ck_lock = PTHREAD_MUTEX_INITIALIZER;

static void ck_id_of(const struct stat *st, struct ck_id *id)
{
	memset(id, 0, sizeof(*id));
	id->dev = st->st_dev;
	id->ino = st->st_ino;
	id->size = st->st_size;
	id->mtime = st->st_mtim;
	id->ctime = st->st_ctim;
}

static bool ck_id_eq(const struct ck_id *a, const struct ck_id *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
	       a->ctime.tv_sec == b->ctime.tv_sec && a->ctime.tv_nsec == b->ctime.tv_nsec;
}

void vnfimg_checksum_cache_clear(void)
{
	pthread_mutex_lock(&ck_lock);
	memset(ck_cache, 0, sizeof(ck_cache));
	ck_next = 0;
	pthread_mutex_unlock(&ck_lock);
}

/* The digest in a sidecar: the first word (sha256sum style), or the text
 * after '=' in BSD style "SHA256 (file) = hex". Lower-cased into hex. */
static int sidecar_digest(const char *side, size_t want, char *hex)
{
	char buf[4096];
	int fd = open(side, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return cfg_err_set("cannot read %s: %s", side, strerror(errno));
	ssize_t r = pread_full(fd, buf, sizeof(buf) - 1, 0);
	int e = errno;
	close(fd);
	if (r < 0)
		return cfg_err_set("cannot read %s: %s", side, strerror(e));
	buf[r] = '\0';
	char *p = buf;
	while (*p && isspace((unsigned char)*p))
		p++;
	if ((strncmp(p, "SHA256 (", 8) == 0 || strncmp(p, "MD5 (", 5) == 0)) {
		char *eol = strchr(p, '\n');
		if (eol)
			*eol = '\0';
		char *eq = strrchr(p, '=');
		if (eq)
			for (p = eq + 1; *p == ' '; p++)
				;
	}
	size_t n = 0;
	while (p[n] && !isspace((unsigned char)p[n]))
		n++;
	if (n != want)
		return cfg_err_set("%s: no %s digest in the first word", side,
				   want == 64 ? "sha256" : "md5");
	for (size_t i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)p[i]))
			return cfg_err_set("%s: no %s digest in the first word", side,
					   want == 64 ? "sha256" : "md5");
		hex[i] = (char)tolower((unsigned char)p[i]);
	}
	hex[n] = '\0';
	return 0;
}

int vnfimg_checksum_state(const char *path, char *state, size_t n)
{
	char side[PATH_MAX + 8];
	struct stat ist, sst;
	enum vnfimg_hash_algo algo = VNFIMG_HASH_SHA256;
	bool have = false;

	if (!path || !state || n == 0)
		return cfg_err_set("checksum: no path given");
	static const struct {
		const char *ext;
		enum vnfimg_hash_algo algo;
	} sides[] = { { ".sha256", VNFIMG_HASH_SHA256 }, { ".md5", VNFIMG_HASH_MD5 } };
	for (size_t i = 0; i < sizeof(sides) / sizeof(sides[0]) && !have; i++) {
		snprintf(side, sizeof(side), "%s%s", path, sides[i].ext);
		if (stat(side, &sst) == 0) {
			have = true;
			algo = sides[i].algo;
		} else if (errno != ENOENT && errno != ENOTDIR) {
			return cfg_err_set("image %s: cannot read %s: %s", path, side, strerror(errno));
		}
	}
	if (!have) {
		snprintf(state, n, "none");
		return 0;
	}
	if (stat(path, &ist) < 0) {
		if (errno == ENOENT)
			return cfg_err_set("image %s: file does not exist", path);
		return cfg_err_set("image %s: cannot read: %s", path, strerror(errno));
	}
	if (S_ISDIR(ist.st_mode))
		return cfg_err_set("image %s: is a directory", path);

	struct ck_id iid, sid;
	ck_id_of(&ist, &iid);
	ck_id_of(&sst, &sid);
	pthread_mutex_lock(&ck_lock);
	for (unsigned i = 0; i < CK_CACHE_N; i++) {
		struct ck_entry *e = &ck_cache[i];
		if (e->used && strcmp(e->path, path) == 0 && ck_id_eq(&e->img, &iid) &&
		    ck_id_eq(&e->side, &sid)) {
			snprintf(state, n, "%s", e->state);
			pthread_mutex_unlock(&ck_lock);
			return 0;
		}
	}
	pthread_mutex_unlock(&ck_lock);

	char want[VNFIMG_HASH_HEX_MAX], got[VNFIMG_HASH_HEX_MAX];
	if (sidecar_digest(side, 2 * vnfimg_hash_len(algo), want) < 0 ||
	    vnfimg_hash_file(path, algo, got, sizeof(got)) < 0) {
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s", cfg_err_msg());
		return cfg_err_set("image %s: %s", path, msg);
	}
	char st[32];
	snprintf(st, sizeof(st), "%s (%s)", strcmp(want, got) == 0 ? "verified" : "MISMATCH",
		 vnfimg_hash_name(algo));
	snprintf(state, n, "%s", st);

	if (strlen(path) < PATH_MAX) {
		pthread_mutex_lock(&ck_lock);
		struct ck_entry *e = &ck_cache[ck_next++ % CK_CACHE_N];
		snprintf(e->path, sizeof(e->path), "%s", path);
		e->img = iid;
		e->side = sid;
		snprintf(e->state, sizeof(e->state), "%s", st);
		e->used = true;
		pthread_mutex_unlock(&ck_lock);
	}
	return 0;
}

/* ---- listing ---------------------------------------------------------------- */

void vnfimg_format_size(uint64_t bytes, char *buf, size_t n)
{
	static const char *units[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	if (bytes < 1024) {
		snprintf(buf, n, "%" PRIu64 " B", bytes);
		return;
	}
	double v = (double)bytes / 1024.0;
	unsigned u = 0;
	while (v >= 1023.95 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024.0;
		u++;
	}
	snprintf(buf, n, "%.1f %s", v, units[u]);
}

static const char *image_type_of(const char *name, bool *listed)
{
	size_t n = strlen(name);
	*listed = true;
	if (n > 6 && strcmp(name + n - 6, ".qcow2") == 0)
		return "qcow2";
	if (n > 4 && strcmp(name + n - 4, ".raw") == 0)
		return "raw";
	if (n > 4 && strcmp(name + n - 4, ".img") == 0)
		return NULL;
	*listed = false;
	return NULL;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

#define LIST_FMT "%-30s %-6s  %12s  %11s  %-20s  %s\n"

int vnfimg_list_reply(const char *image_dir, struct cfg_rel *parent)
{
	if (!image_dir || !parent)
		return cfg_err_set("image directory: none given");
	DIR *d = opendir(image_dir);
	if (!d)
		return cfg_err_set("image directory %s: %s", image_dir, strerror(errno));
	char **names = NULL;
	size_t nn = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		bool listed;
		if (de->d_name[0] == '.')
			continue;
		image_type_of(de->d_name, &listed);
		if (!listed)
			continue;
		if (nn == cap) {
			cap = cap ? 2 * cap : 16;
			char **nv = realloc(names, cap * sizeof(*names));
			if (!nv)
				abort();
			names = nv;
		}
		names[nn] = strdup(de->d_name);
		if (!names[nn])
			abort();
		nn++;
	}
	closedir(d);
	if (nn)
		qsort(names, nn, sizeof(*names), cmp_names);

	struct vnfimg_info *info = malloc(sizeof(*info));
	if (!info)
		abort();
	size_t dl = strlen(image_dir);
	bool slash = dl > 0 && image_dir[dl - 1] == '/';
	for (size_t i = 0; i < nn; i++) {
		bool listed;
		const char *type = image_type_of(names[i], &listed);
		char *path = NULL;
		if (asprintf(&path, "%s%s%s", image_dir, slash ? "" : "/", names[i]) < 0)
			abort();
		struct cfg_rel *e = cfg_rel_add(parent, "vnf-image");
		cfg_rel_leaf(e, "image-name", names[i]);
		if (vnfimg_inspect(path, type, image_dir, info) < 0) {
			cfg_rel_leaf(e, "error", cfg_err_msg());
			free(path);
			continue;
		}
		char vs[32], as[32], ck[32];
		vnfimg_format_size(info->virtual_size, vs, sizeof(vs));
		vnfimg_format_size(info->actual_size, as, sizeof(as));
		cfg_rel_leaf(e, "image-format", info->format == VNFIMG_FORMAT_QCOW2 ? "qcow2" : "raw");
		cfg_rel_leaf(e, "virtual-size", vs);
		cfg_rel_leaff(e, "virtual-size-bytes", "%llu", (unsigned long long)info->virtual_size);
		cfg_rel_leaf(e, "actual-size", as);
		cfg_rel_leaff(e, "actual-size-bytes", "%llu", (unsigned long long)info->actual_size);
		if (info->backing_file[0]) {
			const char *b = strrchr(info->backing_file, '/');
			cfg_rel_leaf(e, "backing-file", b ? b + 1 : info->backing_file);
		}
		if (vnfimg_checksum_state(path, ck, sizeof(ck)) < 0) {
			cfg_rel_leaf(e, "checksum", "error");
			cfg_rel_leaf(e, "checksum-error", cfg_err_msg());
		} else {
			cfg_rel_leaf(e, "checksum", ck);
		}
		free(path);
	}
	free(info);
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	return 0;
}

void vnfimg_list_text(struct cfg_buf *out, const struct cfg_reply *r)
{
	cfg_buf_printf(out, LIST_FMT, "Image", "Format", "Virtual size", "Actual size", "Backing",
		       "Checksum");
	for (const struct cfg_rel *e = cfg_rel_child(cfg_reply_root(r), "vnf-image"); e;
	     e = cfg_rel_next_same(e)) {
		const char *name = cfg_rel_str(e, "image-name", "");
		const char *err = cfg_rel_value(e, "error");
		if (err) {
			cfg_buf_printf(out, LIST_FMT, name, "-", "-", "-", "-", "-");
			cfg_buf_printf(out, "    error: %s\n", err);
			continue;
		}
		cfg_buf_printf(out, LIST_FMT, name, cfg_rel_str(e, "image-format", "-"),
			       cfg_rel_str(e, "virtual-size", "-"), cfg_rel_str(e, "actual-size", "-"),
			       cfg_rel_str(e, "backing-file", "-"), cfg_rel_str(e, "checksum", "-"));
		const char *ckerr = cfg_rel_value(e, "checksum-error");
		if (ckerr && *ckerr)
			cfg_buf_printf(out, "    error: %s\n", ckerr);
	}
}

int vnfimg_list(const char *image_dir, struct cfg_buf *out)
{
	if (!out)
		return cfg_err_set("image directory: none given");
	struct cfg_reply *r = cfg_reply_new("vnf-image-information");
	int rc = vnfimg_list_reply(image_dir, cfg_reply_root(r));
	if (rc == 0)
		vnfimg_list_text(out, r);
	cfg_reply_free(r);
	return rc;
}
