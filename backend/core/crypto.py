"""Secrets encrypted at rest with a key derived from the server's ``secret_key`` (Fernet: AES-128-CBC + HMAC).

Each purpose derives its own key (HKDF ``info``), so a value sealed for one purpose cannot be opened
as another. Changing ``secret_key`` makes stored secrets unreadable: they must be entered again.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from backend.config import Settings


class SecretUnreadable(Exception):
    """A stored secret cannot be decrypted (the server's secret key changed since it was stored)."""


def _fernet(secret_key: str, purpose: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=f"groundwork {purpose} v1".encode()).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(settings: Settings, plaintext: str, *, purpose: str) -> str:
    """The encrypted, storable (ASCII) form of ``plaintext`` for ``purpose``."""
    return _fernet(settings.secret_key, purpose).encrypt(plaintext.encode()).decode("ascii")


def decrypt(settings: Settings, sealed: str, *, purpose: str) -> str:
    """``plaintext`` back from ``encrypt``; SecretUnreadable when the key or purpose differs."""
    try:
        return _fernet(settings.secret_key, purpose).decrypt(sealed.encode("ascii")).decode()
    except InvalidToken as exc:
        raise SecretUnreadable(f"a stored {purpose} secret cannot be decrypted with this server's secret key") from exc
