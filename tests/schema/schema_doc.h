/* SPDX-License-Identifier: MIT */
#ifndef SCHEMA_DOC_H
#define SCHEMA_DOC_H

#include <stddef.h>

/*
 * Compare the key table of SCHEMA.md (the text between the
 * schema-table-begin/end markers) with ballast_keys[].
 * Returns 0 if every key appears exactly once with the same writer, unit and
 * range; -1 otherwise, with the first disagreement in @why.
 */
int schema_doc_check(const char *doc, char *why, size_t why_len);

#endif
