/* SPDX-License-Identifier: MIT */
/* json_util.h - the few jansson helpers the programs share. */
#ifndef TV_JSON_UTIL_H
#define TV_JSON_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* A new JSON string holding the lowercase hex of n bytes. */
json_t *json_hex(const uint8_t *b, size_t n);
/* Exactly 2n hex digits in string s -> out; 0 or -1. */
int json_unhex(json_t *s, uint8_t *out, size_t n);
/* Member key of o as a string, or "" when missing or not a string. */
const char *json_str(json_t *o, const char *key);

#endif
