/* SPDX-License-Identifier: MIT */
/*
 * json_hex.h - byte strings in the project's JSON files (campaign bundle,
 * certificates, statements, noise files, partials, release.json): always
 * lowercase hex written, exactly 2n hex digits read (docs/formats.md,
 * "Encodings").  One reader and one writer for every file and program.
 */
#ifndef TV_JSON_HEX_H
#define TV_JSON_HEX_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* A new JSON string holding the lowercase hex of n bytes; NULL if out of
 * memory. */
json_t *tv_json_hex(const uint8_t *b, size_t n);
/* Exactly 2n hex digits (either case) in string s -> out: 0 or
 * TV_ERR_FORMAT (s NULL, not a string, another length, not hex). */
int tv_json_unhex(const json_t *s, uint8_t *out, size_t n);
/* Member key of o as a string, or "" when missing or not a string. */
const char *tv_json_str(const json_t *o, const char *key);

#endif
