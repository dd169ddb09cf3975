# SPDX-License-Identifier: MIT
# The long variants of the battery's tests (docs/testing.md), not part of
# make check; each runs the same test as check with its size knobs raised.
#
#   make soak    http_load: 30 s of slowloris + large-body trickle from
#                one address with the server's default 15 s timeout,
#                honest collectors from four others (check: 8 s, 5 s
#                timeout).  About 1 min on 2 cores.
#                http_malformed: 100,000 generated malformed batches over
#                HTTP (check: 10,000).  About 10 s.
#                http_stale_readers: 20 readers killed with -9, then
#                10,000 batches (check: 200), as TESTING.md's R7 asks.
#                About 1 min.

.PHONY: soak

soak: all
	$(Q)LOAD_SECONDS=30 LOAD_TIMEOUT=15 B=$(B) sh tests/run.sh cli/http_load
	$(Q)MALFORMED_N=100000 B=$(B) sh tests/run.sh cli/http_malformed
	$(Q)NB=10000 B=$(B) sh tests/run.sh cli/http_stale_readers

# make seeds    the tests that draw a synthetic season and judge every
#               release with the exact attack (disclosure, revisions,
#               ledger_attacks, hostile_aggregator), each with SEEDS
#               random seeds (default 10), each failure named with its
#               seed.  About 2 min per seed on 2 cores.  make check in CI
#               uses one fixed seed (.ci/run); this is where new seeds
#               are tried.
.PHONY: seeds

SEEDS ?= 10
seeds: all
	$(Q)B=$(B) SEEDS=$(SEEDS) sh tools/seeds.sh disclosure revisions ledger_attacks hostile_aggregator
