"""The session engine (settings.SESSION_ENGINE names this module; Django imports `SessionStore`
from it): Django's database sessions whose keys, once signed in, start with a tag of their
owner, so that deactivating an account ends its sessions with one indexed query."""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.utils.crypto import get_random_string, salted_hmac


def session_owner_tag(user_pk) -> str:
    """The first 12 characters of the session keys of the user `user_pk`. Keyed with SECRET_KEY, so
    a cookie does not reveal whose it is; a rare collision only means one more session ended."""
    return salted_hmac("asn_portal.session-owner", str(user_pk)).hexdigest()[:12]


class SessionStore(db.SessionStore):
    """Django's database sessions, with one change: once a session is signed in, its key starts
    with its owner's tag (`session_owner_tag`). Deactivating an account can then delete that
    account's sessions with one indexed prefix query (asn_portal.signals) instead of decoding
    every session in the table."""

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        # django.contrib.auth.login() sets the user right after its cycle_key(), before
        # user_logged_in; issuing the key again here means every receiver sees the final key.
        if key == SESSION_KEY and self.session_key and not self.session_key.startswith(session_owner_tag(value)):
            self.cycle_key()

    def _get_new_session_key(self):
        owner = (getattr(self, "_session_cache", None) or {}).get(SESSION_KEY)
        if owner is None:
            return super()._get_new_session_key()
        tag = session_owner_tag(owner)
        max_length = self.model._meta.get_field("session_key").max_length
        while True:
            session_key = tag + get_random_string(max_length - len(tag), VALID_KEY_CHARS)
            if not self.exists(session_key):
                return session_key

    @classmethod
    def end_sessions_of(cls, user) -> int:
        """Delete every signed-in session of `user` (their next request is signed out)."""
        deleted, _per_model = (
            cls.get_model_class().objects.filter(session_key__startswith=session_owner_tag(user.pk)).delete()
        )
        return deleted
