/* SPDX-License-Identifier: BSD-2-Clause */
/* fw_cfg_dir_parse and lookup over hand-built directories. */
#include <stdint.h>
#include "lib/byteorder.h"
#include "kernel/fw_cfg.h"
#include "include/status.h"
#include "test.h"

static size_t build(uint8_t *buf, uint32_t count, size_t entries, const char *const *names)
{
	memset(buf, 0, 4 + entries * 64);
	put_be32(buf, count);
	for (size_t i = 0; i < entries; i++) {
		uint8_t *e = buf + 4 + i * 64;
		put_be32(e, (uint32_t)(1000 + i));
		e[4] = 0;
		e[5] = (uint8_t)(0x20 + i);
		strncpy((char *)e + 8, names[i], 56);
	}
	return 4 + entries * 64;
}

int main(void)
{
	static const char *const names[] = { "bootorder", "etc/e820", "opt/fwboot/kernel" };
	uint8_t buf[4 + 3 * 64];
	struct fw_cfg_entry dir[4];
	size_t n = 0;
	struct diag d;

	size_t len = build(buf, 3, 3, names);
	ok_eq(fw_cfg_dir_parse(buf, len, dir, 4, &n, &d), 0);
	ok_eq(n, 3);
	ok_str(dir[2].name, "opt/fwboot/kernel");
	ok_eq(dir[2].key, 0x22);
	ok_eq(dir[2].size, 1002);
	ok_eq(fw_cfg_dir_lookup(dir, n, "opt/fwboot/kernel"), 2);
	ok_eq(fw_cfg_dir_lookup(dir, n, "bootorder"), 0);
	ok_eq(fw_cfg_dir_lookup(dir, n, "opt/fwboot"), -1);
	ok_eq(fw_cfg_dir_lookup(dir, n, "opt/fwboot/kernel2"), -1);

	/* big-endian count and key */
	put_be32(buf + 4 + 64, 0x01020304);
	buf[4 + 64 + 4] = 0x12;
	buf[4 + 64 + 5] = 0x34;
	ok_eq(fw_cfg_dir_parse(buf, len, dir, 4, &n, &d), 0);
	ok_eq(dir[1].size, 0x01020304);
	ok_eq(dir[1].key, 0x1234);

	/* empty directory */
	ok_eq(fw_cfg_dir_parse(buf, 4, dir, 4, &n, &(struct diag){ "" }) , -ST_NO_FW_CFG);
	put_be32(buf, 0);
	ok_eq(fw_cfg_dir_parse(buf, 4, dir, 4, &n, &d), 0);
	ok_eq(n, 0);

	/* rejections */
	ok_eq(fw_cfg_dir_parse(buf, 3, dir, 4, &n, &d), -ST_NO_FW_CFG);
	ok_str(d.msg, "fw_cfg: directory too short (3 bytes)");
	build(buf, 3, 3, names);
	ok_eq(fw_cfg_dir_parse(buf, len - 1, dir, 4, &n, &d), -ST_NO_FW_CFG);
	ok_str(d.msg, "fw_cfg: directory claims 3 files but holds 195 bytes");
	ok_eq(fw_cfg_dir_parse(buf, len, dir, 2, &n, &d), -ST_NO_FW_CFG);
	ok_str(d.msg, "fw_cfg: directory has 3 files, more than 2");
	/* bytes after a name's NUL are not part of it, wherever the NUL falls
	 * in its word: lookups find the name, and two such names are one */
	static const char *const padded[] = { "abcd", "abcde", "etc/e820" };
	len = build(buf, 3, 3, padded);
	memset(buf + 4 + 8 + 5, 'z', 51);		/* after "abcd" and its NUL (a word's start) */
	memset(buf + 4 + 64 + 8 + 6, 'y', 50);	/* after "abcde" and its NUL (mid-word) */
	ok_eq(fw_cfg_dir_parse(buf, len, dir, 4, &n, &d), 0);
	ok_eq(fw_cfg_dir_lookup(dir, n, "abcd"), 0);
	ok_eq(fw_cfg_dir_lookup(dir, n, "abcde"), 1);
	ok_eq(fw_cfg_dir_lookup(dir, n, "abc"), -1);
	memcpy(buf + 4 + 128 + 8, "abcd", 5);		/* entry 2 names "abcd" too, zeros after it */
	ok_eq(fw_cfg_dir_parse(buf, len, dir, 4, &n, &d), -ST_NO_FW_CFG);
	ok_str(d.msg, "fw_cfg: directory names \"abcd\" twice (entries 0 and 2)");
	memcpy(buf + 4 + 128 + 8, "abcde", 6);		/* and "abcde", after entry 1's 'y's */
	memset(buf + 4 + 128 + 8 + 6, 'q', 50);
	ok_eq(fw_cfg_dir_parse(buf, len, dir, 4, &n, &d), -ST_NO_FW_CFG);
	ok_str(d.msg, "fw_cfg: directory names \"abcde\" twice (entries 1 and 2)");
	len = build(buf, 3, 3, names);
	memset(buf + 4 + 64 + 8, 'x', 56);	/* a name without its NUL */
	ok_eq(fw_cfg_dir_parse(buf, len, dir, 4, &n, &d), -ST_NO_FW_CFG);
	ok_str(d.msg, "fw_cfg: directory entry 1 has no NUL in its name");
	return test_done("fw_cfg_dir");
}
