// Loaded in <head>, before the first paint: lets the CSS hide no-JavaScript fallbacks
// (.js .js-hidden) without a flash. A file, not an inline script: the Content-Security-Policy
// allows scripts from SIGAP's own static files only.
document.documentElement.classList.add("js");
