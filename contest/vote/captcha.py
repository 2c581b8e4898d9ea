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

from . import limits

ALPHABET = "ACDEFHJKLMNPRTUVWXY34679"   # no 0/O, 1/I, 2/Z, 5/S, 8/B look-alikes
LENGTH = 4
CHALLENGE_MAX_AGE_S = 600


def _digest(answer: str, issued: int, nonce: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"vote-captcha:{issued}:{nonce}:{answer.strip().upper()}"
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def new_picture() -> bytes:
    code = new_code()
    issued, nonce = int(time.time()), secrets.token_hex(8)
    session["vote_captcha"] = {"h": _digest(code, issued, nonce), "t": issued, "n": nonce}
    return ImageCaptcha(width=160, height=60).generate(code).getvalue()


def solved_recently(user_id: int) -> bool:
    solved = session.get("vote_captcha_ok") or {}
    return solved.get("u") == user_id and solved.get("until", 0) > time.time()


def check(answer: str | None, user_id: int) -> bool:
    """True once the answer matches the picture. Each picture is answered once
    (remembered in the limiter's storage, so an old cookie sent again gets
    nowhere), and a solve counts for this account alone."""
    challenge = session.pop("vote_captcha", None)
    if not challenge or not answer or time.time() - challenge["t"] > CHALLENGE_MAX_AGE_S:
        return False
    if not limits.first_use(CHALLENGE_MAX_AGE_S, "vote-captcha", challenge["n"]):
        return False
    if not hmac.compare_digest(challenge["h"], _digest(answer, challenge["t"], challenge["n"])):
        return False
    session["vote_captcha_ok"] = {"u": user_id,
                                  "until": int(time.time()) + current_app.config["VOTE_CAPTCHA_VALID_S"]}
    return True
