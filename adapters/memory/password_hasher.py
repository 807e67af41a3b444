from __future__ import annotations

import hashlib
import hmac


class PlainSha256PasswordHasher:
    """Fast and salt-free: for tests only, where argon2's cost buys nothing."""

    async def hash(self, password: str) -> str:
        return "sha256$" + hashlib.sha256(password.encode()).hexdigest()

    async def verify(self, password_hash: str, password: str) -> bool:
        return hmac.compare_digest(password_hash, await self.hash(password))
