/* SPDX-License-Identifier: BSD-2-Clause */
/* The Loaded Image protocol's FilePath, and the first word of the load
 * options against it (platform/efi/devpath.h). */
#include "lib/byteorder.h"
#include "platform/efi/devpath.h"
#include "lib/str.h"

#define DP_END 0x7f
#define DP_MEDIA 4
#define DP_MEDIA_FILE 4
#define DP_MAX_NODES 64

int efi_devpath_file(const void *path, size_t limit, char *buf, size_t cap)
{
	const uint8_t *p = path;
	int found = 0;
	if (!p || cap == 0)
		return 0;
	for (int node = 0; node < DP_MAX_NODES; node++) {
		if (limit < 4)
			return 0;
		uint16_t len = get_le16(p + 2);
		if (len < 4 || len > limit)
			return 0;
		if (p[0] == DP_END)
			return found;
		if (p[0] == DP_MEDIA && p[1] == DP_MEDIA_FILE) {
			/* a path may come in pieces, one node each (GRUB's
			 * chainloader makes "\\boot" then "fwboot.efi"): joined */
			size_t n = found ? str_len(buf) : 0;
			if (n && buf[n - 1] != '\\' && len >= 6 && get_le16(p + 4) != '\\' && n + 1 < cap)
				buf[n++] = '\\';
			for (size_t i = 4; i + 1 < len; i += 2) {
				uint16_t c = get_le16(p + i);
				if (!c)
					break;
				if (n + 1 < cap)
					buf[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
			}
			buf[n] = 0;
			found = n > 0;
		} else {
			found = 0;	/* only the file nodes after the last other node name the file */
		}
		p += len;
		limit -= len;
	}
	return 0;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* A path as FAT compares it, into out (cap bytes): up to the first blank,
 * without a volume ("fs0:"), "/" as "\\", lower case, without a ".efi"
 * suffix. Its length, or 0 when empty or too long. */
static size_t normalize(const char *p, char *out, size_t cap)
{
	const char *start = p;
	for (const char *q = p; *q && !is_blank(*q); q++)
		if (*q == ':')
			start = q + 1;
	size_t n = 0;
	for (p = start; *p && !is_blank(*p); p++) {
		if (n + 1 >= cap)
			return 0;
		char c = *p == '/' ? '\\' : *p;
		out[n++] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
	}
	if (n > 4 && out[n - 4] == '.' && out[n - 3] == 'e' && out[n - 2] == 'f' && out[n - 1] == 'i')
		n -= 4;
	out[n] = 0;
	return n;
}

int efi_names_image(const char *word, const char *image_path)
{
	char w[256], i[256];
	if (!word || !image_path)
		return 0;
	while (is_blank(*word))
		word++;
	size_t wn = normalize(word, w, sizeof(w)), in = normalize(image_path, i, sizeof(i));
	if (!wn || wn > in || w[wn - 1] == '\\')
		return 0;
	/* the word is the image's path, or its tail from a directory on (the
	 * shell's current directory or its search path found the rest) */
	for (size_t k = 0; k < wn; k++)
		if (w[k] != i[in - wn + k])
			return 0;
	return wn == in || (w[0] != '\\' && i[in - wn - 1] == '\\');	/* a rooted word is the whole path */
}
