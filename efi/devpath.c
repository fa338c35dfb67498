/* The Loaded Image protocol's FilePath, and the first word of the load
 * options against it (efi/devpath.h). */
#include "byteorder.h"
#include "devpath.h"

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
			size_t n = 0;
			for (size_t i = 4; i + 1 < len; i += 2) {
				uint16_t c = get_le16(p + i);
				if (!c)
					break;
				if (n + 1 < cap)
					buf[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
			}
			buf[n] = 0;
			found = n > 0;
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

/* The file name of a path (after the last \, / or :) up to a blank, its
 * length without a ".efi" suffix in *n. */
static const char *image_base(const char *p, size_t *n)
{
	const char *b = p;
	for (; *p && !is_blank(*p); p++)
		if (*p == '\\' || *p == '/' || *p == ':')
			b = p + 1;
	size_t l = (size_t)(p - b);
	if (l > 4 && b[l - 4] == '.' && (b[l - 3] | 0x20) == 'e' && (b[l - 2] | 0x20) == 'f' && (b[l - 1] | 0x20) == 'i')
		l -= 4;
	*n = l;
	return b;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

int efi_names_image(const char *word, const char *image_path)
{
	if (!word || !image_path)
		return 0;
	while (is_blank(*word))
		word++;
	size_t wn, in;
	const char *w = image_base(word, &wn), *i = image_base(image_path, &in);
	if (!wn || wn != in)
		return 0;
	for (size_t k = 0; k < wn; k++)
		if (lower(w[k]) != lower(i[k]))
			return 0;
	return 1;
}
