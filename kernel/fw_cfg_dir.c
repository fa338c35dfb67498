/* SPDX-License-Identifier: BSD-2-Clause */
/* The fw_cfg file directory: big-endian count, then 64-byte entries. */
#include "lib/memops.h"	/* memcpy and kin: platform/x86/memops.c, or the host libc */
#include "lib/byteorder.h"
#include "kernel/fw_cfg.h"
#include "include/status.h"
#include "lib/str.h"

/* FNV-1a over the 4-byte words of a name held in 56 bytes with zeros from
 * its NUL to the end of that word (as struct fw_cfg_entry keeps it), up to
 * that word: a quarter of the multiplications of a byte-wise hash, for
 * every name of the directory. */
static uint32_t hash_padded(const char *p)
{
	uint32_t h = 2166136261u;
	for (size_t k = 0; k < FW_CFG_MAX_NAME + 1; k += 4) {
		uint32_t w = get_le32(p + k);
		h = (h ^ w) * 16777619u;
		if ((w - 0x01010101u) & ~w & 0x80808080u)
			break;	/* the NUL is in this word; the rest is padding */
	}
	return h;
}


int fw_cfg_dir_parse(const uint8_t *buf, size_t len, struct fw_cfg_entry *out, size_t cap,
		     size_t *count, struct diag *d)
{
	if (len < 4)
		return diag_fail(d, ST_NO_FW_CFG, "fw_cfg: directory too short (%zu bytes)", len);
	uint32_t n = get_be32(buf);
	if (n > (len - 4) / FW_CFG_DIR_ENTRY_SIZE)
		return diag_fail(d, ST_NO_FW_CFG,
				 "fw_cfg: directory claims %u files but holds %zu bytes", n, len);
	if (n > cap)
		return diag_fail(d, ST_NO_FW_CFG, "fw_cfg: directory has %u files, more than %zu", n, cap);
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = buf + 4 + (size_t)i * FW_CFG_DIR_ENTRY_SIZE;
		const char *name = (const char *)e + 8;
		const char *nul = memchr(name, 0, FW_CFG_MAX_NAME + 1);
		if (!nul)
			return diag_fail(d, ST_NO_FW_CFG, "fw_cfg: directory entry %u has no NUL in its name", i);
		out[i].size = get_be32(e);
		out[i].key = get_be16(e + 4);
		/* all 56 bytes in one copy, then zeros from the NUL to the end of
		 * its word: hash_padded reads up to that word, whatever the
		 * entry holds after its NUL */
		__builtin_memcpy(out[i].name, name, FW_CFG_MAX_NAME + 1);
		size_t k = (size_t)(nul - name);
		do
			out[i].name[k++] = 0;
		while (k & 3);
		if (!name[0] || out[i].key < FW_CFG_FILE_FIRST)
			return diag_fail(d, ST_NO_FW_CFG,
					 "fw_cfg: directory entry %u of %u is empty (key 0x%04x, name \"%s\"): "
					 "the count runs past the directory's entries", i, n, out[i].key, out[i].name);
		out[i].hash = hash_padded(out[i].name);
		for (uint32_t j = 0; j < i; j++)
			if (out[j].hash == out[i].hash && str_eq(out[j].name, out[i].name))
				return diag_fail(d, ST_NO_FW_CFG, "fw_cfg: directory names \"%s\" twice (entries %u and %u)",
						 out[i].name, j, i);
	}
	*count = n;
	return 0;
}

int fw_cfg_dir_lookup(const struct fw_cfg_entry *dir, size_t count, const char *name)
{
	size_t n = str_len(name);
	if (n > FW_CFG_MAX_NAME)
		return -1;	/* no entry holds a longer name */
	char padded[FW_CFG_MAX_NAME + 1] = { 0 };	/* as the entries keep their names */
	memcpy(padded, name, n);
	uint32_t h = hash_padded(padded);
	for (size_t i = 0; i < count; i++)
		if (dir[i].hash == h && str_eq(dir[i].name, name))
			return (int)i;
	return -1;
}
