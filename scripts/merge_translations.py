"""Fill empty Indonesian translations in locale/id/LC_MESSAGES/django.po from the PO snippets
under locale/pending/ (one per piece of work), then report what is still untranslated.

Usage: make messages   (extracts, then runs this script)

msgids are English (the code's language); English therefore needs no catalogue.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "locale" / "id" / "LC_MESSAGES" / "django.po"
PENDING = ROOT / "locale" / "pending"


def _key(message):
    """Context and singular msgid: the same English word may read differently in two contexts."""
    return (message.context or "", message.id if isinstance(message.id, str) else message.id[0])


def main() -> int:
    with TARGET.open("rb") as handle:
        catalog = read_po(handle, locale="id")
    known: dict[str, object] = {}
    for snippet in sorted(PENDING.glob("*.po")):
        with snippet.open("rb") as handle:
            for message in read_po(handle, locale="id"):
                if (
                    message.id
                    and message.string
                    and any(message.string if isinstance(message.string, tuple) else [message.string])
                ):
                    known.setdefault(_key(message), message.string)
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        empty = not any(message.string) if isinstance(message.string, tuple) else not message.string
        if (empty or message.fuzzy) and _key(message) in known:
            value = known[_key(message)]
            if isinstance(message.id, tuple):
                singular = value[0] if isinstance(value, tuple) else value
                message.string = (singular,)
            else:
                message.string = value[0] if isinstance(value, tuple) else value
            message.flags.discard("fuzzy")
            message.previous_id = []
            filled += 1
        elif message.fuzzy:
            # msgmerge's guess from a similar text is usually wrong: leave it visibly missing.
            message.string = ("",) if isinstance(message.id, tuple) else ""
            message.flags.discard("fuzzy")
            message.previous_id = []
    catalog.fuzzy = False
    import datetime as dt

    catalog.revision_date = dt.datetime.now(dt.UTC)
    catalog.project = "SIGAP"
    catalog.version = "1"
    catalog.language_team = "SIGAP <sigap@semarangkota.go.id>"
    catalog.last_translator = "SIGAP developers"
    catalog.header_comment = (
        "# Indonesian (the default language) translations of SIGAP.\n# msgids are English; see README (Translations)."
    )
    with TARGET.open("wb") as handle:
        write_po(handle, catalog, width=100, include_previous=False)
    missing = [
        _key(m) for m in catalog if m.id and (not any(m.string) if isinstance(m.string, tuple) else not m.string)
    ]
    print(f"filled {filled}; still untranslated: {len(missing)}")
    for context, msgid in missing:
        print("  -", f"[{context}] " if context else "", msgid.replace("\n", "\\n")[:100], sep="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
