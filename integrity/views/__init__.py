"""Integrity pages (issue 3, parts 8 and 9). Thin views: load through `integrity.permissions`,
validate a form, make one service call, turn a `ServiceError` into a form error with status
400, render or redirect. Every GET of a detail page and every download is logged as a read
(`services.log_read`)."""
