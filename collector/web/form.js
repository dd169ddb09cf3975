/* SPDX-License-Identifier: MIT */
/* Every post is answered with a redirect (collector/form_http.c), so no
 * history entry holds posted answers; this only makes sure the entry of
 * the page shown is a plain one. */
if (window.history && window.history.replaceState)
	window.history.replaceState(null, '', window.location.href);
