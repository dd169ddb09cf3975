/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "proto/campaign.h"
#include "proto/plan.h"
#include "trustee/ledger.h"
#include "trustee/trustee.h"

static void NORETURN
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: trustee budget --ledger DIR [--campaign CAMPAIGN.json]\n\n"
	    "Prints every privacy-budget entry of my ledger (one per\n"
	    "release made with noise: cost, running total, the request)\n"
	    "and checks the hash chain and the sums.  Costs are exact\n"
	    "fractions: rho under zCDP when the plan's noise is Gaussian,\n"
	    "epsilon under pure differential privacy when it is Laplace;\n"
	    "with --campaign the summary says which, and the plan's budget.\n"
	    "Exit 1 if broken.\n");
	exit(code);
}

/* The summary's unit, from the campaign's noise policy. */
static char *
budget_unit(const char *campaign, char *buf, size_t len)
{
	struct tv_campaign *c = campaign_load_or_die(campaign, 0);
	const struct tv_noise_policy *np = &c->plan->policy.noise;

	if (np->mech == TV_NOISE_NONE)
		snprintf(buf, len, "(the plan adds no noise: nothing to "
		    "charge)");
	else
		snprintf(buf, len, "%s (%s noise), of a budget of %llu/%llu",
		    np->mech == TV_NOISE_GAUSSIAN ? "rho under zCDP" :
		    "epsilon under pure DP", np->mech == TV_NOISE_GAUSSIAN ?
		    "Gaussian" : "Laplace", (unsigned long long)np->cap_num,
		    (unsigned long long)np->cap_den);
	tv_campaign_free(c);
	return buf;
}

int
cmd_budget(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ledger", required_argument, NULL, 'l' },
		{ "campaign", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ledger = NULL, *campaign = NULL;
	char unit[160];
	int ch;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'l': ledger = optarg; break;
		case 'c': campaign = optarg; break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (ledger == NULL || optind != argc)
		usage(2);
	return ledger_budget_show(ledger, campaign != NULL ?
	    budget_unit(campaign, unit, sizeof unit) : NULL) == 0 ? 0 : 1;
}
