/* SPDX-License-Identifier: MIT */
#include "err.h"

const char *
tv_strerror(int err)
{
	switch (err) {
	case TV_OK:		return "success";
	case TV_ERR_NOMEM:	return "out of memory";
	case TV_ERR_IO:		return "input/output error";
	case TV_ERR_TOOBIG:	return "input too large";
	case TV_ERR_FORMAT:	return "malformed input";
	case TV_ERR_BADSIG:	return "signature verification failed";
	case TV_ERR_NOTFOUND:	return "not found";
	case TV_ERR_STORE:	return "store failure";
	case TV_ERR_CRYPTO:	return "invalid cryptographic value";
	case TV_ERR_EXISTS:	return "already exists";
	case TV_ERR_PERM:	return "unsafe file permissions or ownership";
	case TV_ERR_RANGE:	return "value out of range";
	case TV_ERR_MISMATCH:	return "campaign or device mismatch";
	case TV_ERR_REVOKED:	return "device revoked";
	case TV_ERR_FULL:	return "storage full";
	case TV_ERR_BADKEY:	return "wrong passphrase or corrupted key file";
	case TV_ERR_CONFLICT:	return "conflicting content for the same identifier";
	case TV_ERR_REFUSED:	return "refused";
	case TV_ERR_DEAD:	return "store failed (LMDB panic): restart the process";
	case TV_ERR_DAMAGED:	return "store file damaged: restore it from a backup";
	}
	return "unknown error";
}
