/* vnfimg — the VNF image store: inspect qcow2/raw images, check their
 * backing chains and checksum sidecars, render `show vnf-images`.
 *
 * The qcow2 header is parsed here (no qemu-img): magic, version 2/3,
 * backing file, cluster size, virtual size, encryption, v3 feature bits
 * (unknown incompatible bits are refused, as qemu does) and the header
 * extensions (backing format, external data file).
 *
 * A backing file (and an external data file) is resolved like qemu does
 * (relative to the directory of the image that names it), realpath'ed, and
 * must lie inside the image directory; the chain is followed to a depth of
 * VNFIMG_CHAIN_MAX and loops are refused. Protocol names ("nbd:...",
 * "json:{...}") are refused: an image must never make QEMU open a network
 * connection.
 *
 * All functions return 0 on success, -1 with cfg_err set to an operator
 * message that names the image ("image /x.qcow2: truncated qcow2 header").
 * Nothing here allocates memory the caller must free, except the text
 * appended to the caller's cfg_buf.
 */
#ifndef NFX_VNFIMG_H
#define NFX_VNFIMG_H

#include <stddef.h>
#include <stdint.h>

struct cfg_buf;

#define VNFIMG_PATH_MAX 4096
#define VNFIMG_CHAIN_MAX 8

enum vnfimg_format {
	VNFIMG_FORMAT_RAW = 0,
	VNFIMG_FORMAT_QCOW2 = 1,
};

/* qcow2 crypt_method values. */
enum vnfimg_crypt {
	VNFIMG_CRYPT_NONE = 0,
	VNFIMG_CRYPT_AES = 1,
	VNFIMG_CRYPT_LUKS = 2,
};

/* qcow2 v3 incompatible feature bits known to this module. */
#define VNFIMG_INCOMPAT_DIRTY        (1ull << 0)
#define VNFIMG_INCOMPAT_CORRUPT      (1ull << 1)
#define VNFIMG_INCOMPAT_DATA_FILE    (1ull << 2)
#define VNFIMG_INCOMPAT_COMPRESSION  (1ull << 3)
#define VNFIMG_INCOMPAT_EXTL2        (1ull << 4)
#define VNFIMG_INCOMPAT_KNOWN        0x1full

/* Filled by vnfimg_inspect(); a plain caller-owned struct. */
struct vnfimg_info {
	enum vnfimg_format format;
	uint32_t qcow2_version;        /* 2 or 3; 0 for raw */
	uint32_t cluster_bits;         /* qcow2 only */
	uint32_t header_length;        /* qcow2: 72 for v2, from header for v3 */
	enum vnfimg_crypt crypt_method;
	uint64_t incompatible_features;
	uint64_t compatible_features;
	uint64_t autoclear_features;
	uint64_t virtual_size;         /* bytes the guest sees; raw: file size */
	uint64_t file_size;            /* st_size (apparent size) */
	uint64_t actual_size;          /* bytes allocated on disk (st_blocks * 512) */
	char backing_file[VNFIMG_PATH_MAX];   /* as written in the header; "" if none */
	char backing_path[VNFIMG_PATH_MAX];   /* realpath of the backing file; "" if none */
	char backing_format[16];              /* from the header extension; "" if not given */
	char data_file[VNFIMG_PATH_MAX];      /* external data file as written; "" if none */
	unsigned chain_depth;          /* backing files below this image (0 = none) */
};

/* Inspect the image at path.
 *   declared_type: "qcow2" (must be a valid qcow2), "raw" (anything goes, the
 *                  guest sees the bytes; virtual size = file size), or NULL
 *                  (detect from the magic).
 *   image_dir:     backing (and external data) files must be inside this
 *                  directory; NULL skips the containment check (the chain is
 *                  still followed and parsed).
 *   out:           caller-owned; filled on success, unspecified on error.
 * Block devices are accepted (size from lseek); directories and other
 * special files are not. An empty file is an error. */
int vnfimg_inspect(const char *path, const char *declared_type, const char *image_dir,
		   struct vnfimg_info *out);

/* Confinement of a host path named by the configuration (an image, a
 * storage file, a config-data file, an init-descriptor): PATH is resolved
 * with realpath (symlinks, "." and "..") and must lie strictly inside one of
 * the N directories DIRS (each resolved too), on a directory boundary
 * (/images-evil is not inside /images). WHAT names the path in messages
 * ("storage vdb source file"). Returns the index of the directory, with the
 * resolved path in REAL (VNFIMG_PATH_MAX bytes, may be NULL); -1 with
 * cfg_err set: "WHAT /etc/shadow is outside the image directory
 * /var/third-party/images", or the reason a relative path or a directory is
 * refused. A file that does not exist (yet) is judged by its resolved
 * directory: saying that it is missing is the caller's part. Nothing is
 * opened. */
int vnfimg_confine(const char *what, const char *path, const char *const *dirs, size_t n,
		   char *real);

/* Checksum state of path from its sidecar PATH.sha256 (preferred) or
 * PATH.md5, whose first word is the hex digest (sha256sum/md5sum output).
 * Writes into state (caller's buffer of n bytes, 32 is enough):
 *   "verified (sha256)", "MISMATCH (sha256)", "verified (md5)",
 *   "MISMATCH (md5)" or "none" (no sidecar).
 * The result is cached per (image, sidecar) identity — device, inode, size,
 * mtime and ctime — so listing the same unchanged images again does not
 * re-read them. Returns -1 with cfg_err set if the sidecar is unreadable or
 * malformed, or the image cannot be read. */
int vnfimg_checksum_state(const char *path, char *state, size_t n);

/* Drop the checksum cache (tests, or after an image was replaced in a way
 * that kept its inode, size and times). */
void vnfimg_checksum_cache_clear(void);

/* Append the `show vnf-images` listing of image_dir to out (caller-owned,
 * initialised): a header line and one line per *.qcow2, *.img, *.raw file
 * (sorted by name; .qcow2 is inspected as qcow2, .raw as raw, .img by
 * magic). An image that fails inspection is listed with "-" columns and an
 * indented "error: ..." line. Returns -1 with cfg_err set only if the
 * directory cannot be read. */
int vnfimg_list(const char *image_dir, struct cfg_buf *out);

/* The same listing as data: one <vnf-image> per file appended to PARENT
 * (the root of a <vnf-image-information> reply, cfg_reply.h; elements as
 * declared in cli/schema/ops-jdm.xml), and its text. vnfimg_list() is
 * the two together. */
struct cfg_rel;
struct cfg_reply;
int vnfimg_list_reply(const char *image_dir, struct cfg_rel *parent);
void vnfimg_list_text(struct cfg_buf *out, const struct cfg_reply *r);

/* Human size, e.g. "512 B", "13.2 MiB", "1.0 GiB" into buf (n bytes). */
void vnfimg_format_size(uint64_t bytes, char *buf, size_t n);

#endif
