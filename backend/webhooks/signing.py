"""Webhook secrets: generated, encrypted at rest, and used to sign each request (Stripe-style header).

``Groundwork-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>``; while a
rotated-out secret is still valid, a second ``v1=`` signed with it follows the first.
"""

from __future__ import annotations

import secrets

from groundwork.webhooks import SIGNATURE_HEADER, signature, signature_header

from backend.config import Settings
from backend.core import crypto
from backend.core.crypto import SecretUnreadable

SECRET_PREFIX = "whsec_"  # noqa: S105  (a marker for people, not a secret)
PURPOSE = "webhook signing"

__all__ = ["SIGNATURE_HEADER", "SecretUnreadable", "new_secret", "seal", "signature", "signature_header", "unseal"]


def new_secret() -> str:
    """A fresh random signing secret."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def seal(settings: Settings, secret: str) -> str:
    """The encrypted form of a signing secret, to store."""
    return crypto.encrypt(settings, secret, purpose=PURPOSE)


def unseal(settings: Settings, sealed: str) -> str:
    """A stored signing secret in clear; ``SecretUnreadable`` if the server's secret key changed."""
    return crypto.decrypt(settings, sealed, purpose=PURPOSE)
