"""Password hashing (argon2) and keyed hashes of bearer secrets."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

PERSONAL_TOKEN_PREFIX = "gwp_"  # noqa: S105 (a prefix, not a secret)
SERVICE_TOKEN_PREFIX = "gws_"  # noqa: S105


def hash_password(password: str) -> str:
    """An argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether the password matches; never raises for a wrong password or a mangled hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Verified against when the user does not exist, so a login takes as long either way.
DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def new_secret(prefix: str = "") -> str:
    """A fresh high-entropy bearer secret (256 bits)."""
    return prefix + secrets.token_urlsafe(32)


def secret_hash(secret_key: str, token: str) -> str:
    """HMAC-SHA256 of a bearer secret under the server key: a stolen table reveals no usable token.

    Tokens are random 256-bit strings, so a fast keyed hash is enough (no password stretching).
    """
    return hmac.new(secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()
