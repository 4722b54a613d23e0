"""Keyed pseudonyms: the one mechanism by which hrvdesk replaces a person identifier.

A pseudonym is the HMAC-SHA256 (hex) of a normalised identifier under a random key that
lives only inside the encrypted database (one key per purpose, see
:mod:`hrvdesk.store.pseudonym_keys`). The same identifier and key always give the same
pseudonym; without the key it cannot be linked back. The training log uses it for
employees (:func:`hrvdesk.domain.training.pseudonymise`), the register of children taken
abroad for personal identity numbers (:func:`hrvdesk.domain.personnummer.pseudonym`).
"""

from __future__ import annotations

import hmac

MIN_KEY_BYTES = 16


def keyed_hash(normalised: str, key: bytes) -> str:
    """HMAC-SHA256 (hex) of an already normalised identifier under ``key``."""
    if len(key) < MIN_KEY_BYTES:
        raise ValueError("pseudonymisation key too short")
    if not normalised:
        raise ValueError("empty person identifier")
    return hmac.digest(bytes(key), normalised.encode("utf-8"), "sha256").hex()  # one call into OpenSSL
