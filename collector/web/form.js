/* SPDX-License-Identifier: MIT */
/* A refused form is answered with the form again (not a redirect), so the
 * browser's history entry for it holds the posted answers, to offer to
 * send them again; Chromium even writes them to its session file.  Turn
 * that entry into a plain one: nothing typed is kept by the browser. */
if (window.history && window.history.replaceState)
	window.history.replaceState(null, '', window.location.href);
