"""The picture captcha asked of voters from a busy address. The answer never
travels to the browser: the (readable) session cookie holds only a keyed hash
of it, and a wrong answer uses the picture up."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from captcha.image import ImageCaptcha
from flask import current_app, session

ALPHABET = "ACDEFHJKLMNPRTUVWXY34679"   # no 0/O, 1/I, 2/Z, 5/S, 8/B look-alikes
LENGTH = 4
CHALLENGE_MAX_AGE_S = 600


def _digest(answer: str, issued: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"vote-captcha:{issued}:{answer.strip().upper()}".encode(), hashlib.sha256).hexdigest()


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def new_picture() -> bytes:
    code = new_code()
    issued = int(time.time())
    session["vote_captcha"] = {"h": _digest(code, issued), "t": issued}
    return ImageCaptcha(width=160, height=60).generate(code).getvalue()


def solved_recently() -> bool:
    return session.get("vote_captcha_ok", 0) > time.time()


def check(answer: str | None) -> bool:
    """True once the answer matches the picture; the picture is used up either way."""
    challenge = session.pop("vote_captcha", None)
    if not challenge or not answer or time.time() - challenge["t"] > CHALLENGE_MAX_AGE_S:
        return False
    if not hmac.compare_digest(challenge["h"], _digest(answer, challenge["t"])):
        return False
    session["vote_captcha_ok"] = int(time.time()) + current_app.config["VOTE_CAPTCHA_VALID_S"]
    return True
