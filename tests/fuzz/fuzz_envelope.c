/* SPDX-License-Identifier: MIT */
/*
 * fuzz_envelope - the outer, signed layer: tv_envelope_parse() and
 * tv_envelope_verify() on any bytes.  Oracle: verify accepts exactly the
 * envelopes whose signature the target checks itself (fuzz_sig_valid), so
 * a verify that accepts too much (or too little) aborts.
 */
#include "crypto/err.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tv_envelope env;
	int rc;

	fuzz_campaign();
	rc = tv_envelope_parse(&env, data, size);
	if (rc == 0) {
		fuzz_assert(env.payload != NULL && env.payload_len > 0);
		rc = tv_envelope_verify(&env);
		fuzz_assert((rc == 0) == fuzz_sig_valid(&env));
		fuzz_sink += env.seq + env.payload[env.payload_len - 1] +
		    env.device_id[31];
	} else {
		fuzz_assert(rc == TV_ERR_FORMAT || rc == TV_ERR_TOOBIG);
	}
	tv_envelope_release(&env);
	return 0;
}
