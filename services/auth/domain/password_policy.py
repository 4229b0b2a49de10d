"""Which new passwords are refused: too short or too long (``passwords.MIN_LENGTH``/``MAX_LENGTH``),
or common and guessable by zxcvbn's estimate (Dropbox's password-strength estimator: common
passwords, dictionary words and names, keyboard patterns, repeats, sequences, dates, look-alike
substitutions), the person's own names and email counting as guessable words.

The same check runs at registration, on a password change and on the change that ends a reset
(``POST /me/password`` after a temporary-password login).
"""
from __future__ import annotations

import threading
from collections import Counter

from chassis.i18n import N_, _

# zxcvbn's score, 0 to 4; 3 is "safely unguessable: moderate protection from an offline slow-hash
# attack" (under 10^10 guesses is 2), the level zxcvbn's authors recommend requiring.
MIN_SCORE = 3

# The estimate's cost grows with the length (repeats and sequences are searched in every part of the
# password): a start of 64 characters that is not guessable makes the password not guessable.
CHECKED_LENGTH = 64

# The messages are gettext messages: French here, English in auth's catalogue, shown in the caller's language.
TOO_GUESSABLE = N_("Ce mot de passe est trop facile à deviner.")
TOO_GUESSABLE_BECAUSE = N_("Ce mot de passe est trop facile à deviner : %(reason)s.")
ADVICE = N_("Ajoutez un ou deux mots peu courants, ou choisissez une phrase que vous seul connaissez.")
USES_YOUR_DETAILS = N_("il reprend votre nom ou votre courriel")

# zxcvbn's warnings (English only in the library) -> our own reason, translated like any message.
_WARNINGS = {
    "Straight rows of keys are easy to guess.": N_("une rangée de touches du clavier se devine facilement"),
    "Short keyboard patterns are easy to guess.": N_("un court motif du clavier se devine facilement"),
    'Repeats like "aaa" are easy to guess.': N_("une répétition comme « aaa » se devine facilement"),
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': N_(
        "une répétition comme « abcabcabc » se devine presque aussi facilement que « abc »"),
    'Sequences like "abc" or "6543" are easy to guess.': N_("une suite comme « abc » ou « 6543 » se devine facilement"),
    "Recent years are easy to guess.": N_("une année récente se devine facilement"),
    "Dates are often easy to guess.": N_("une date se devine souvent facilement"),
    "This is a top-10 common password.": N_("c'est l'un des 10 mots de passe les plus courants"),
    "This is a top-100 common password.": N_("c'est l'un des 100 mots de passe les plus courants"),
    "This is a very common password.": N_("c'est un mot de passe très courant"),
    "This is similar to a commonly used password.": N_("il ressemble à un mot de passe courant"),
    "A word by itself is easy to guess.": N_("un mot seul se devine facilement"),
    "Names and surnames by themselves are easy to guess.": N_("un prénom ou un nom seul se devine facilement"),
    "Common names and surnames are easy to guess.": N_("les prénoms et les noms courants se devinent facilement"),
}


def _one_substitute_per_letter(password: str, table: dict) -> dict:
    """zxcvbn tries every combination of look-alike substitutes present in the password (``@`` or
    ``4`` for ``a``, ``1``, ``!`` or ``|`` for ``i``...): exponential in the distinct symbols, so 28
    crafted characters took 7 s of CPU on an unauthenticated registration. Keeping, for each
    letter, only the substitute the password uses most leaves a handful of combinations and still
    sees ``p@ssw0rd``-style passwords."""
    counts = Counter(password)
    subtable = {}
    for letter, substitutes in table.items():
        present = [s for s in substitutes if counts[s]]
        if present:
            subtable[letter] = [max(present, key=lambda s: (counts[s], -substitutes.index(s)))]
    return subtable


# zxcvbn keeps the user inputs in a module-level dictionary during a call: one check at a time.
_LOCK = threading.Lock()


def _estimator():
    """zxcvbn, imported on the first password checked (under ``_LOCK``): its word-frequency lists hold
    about 14 MiB that an auth process which checks no password has no use for."""
    from zxcvbn import matching, zxcvbn

    # Its l33t matcher looks this function up at each call (repeats are analysed recursively too).
    matching.relevant_l33t_subtable = _one_substitute_per_letter
    return zxcvbn


def user_inputs(first_name: str | None, last_name: str | None, *details: str | None) -> list[str]:
    """The person's names, email (and its parts), username or card number: the words a guesser
    who knows whose account it is tries first, names run together included."""
    words: list[str] = []
    if first_name and last_name:
        words += [a + separator + b for a, b in ((first_name, last_name), (last_name, first_name))
                  for separator in ("", ".", "-", "_", " ")]
    for detail in (first_name, last_name, *details):
        if not detail:
            continue
        words.append(detail)
        if "@" in detail:
            local, _at, domain = detail.partition("@")
            words += [local, domain.split(".")[0], *local.replace("-", ".").replace("_", ".").split(".")]
    return [w.strip().lower() for w in words if len(w.strip()) >= 2]


def guessability_problem(password: str, inputs: list[str]) -> str | None:
    """None when ``password`` is hard enough to guess, else the message saying why, in the language of
    the moment (zxcvbn's own English feedback is never shown: its warning picks one of our reasons)."""
    checked = password[:CHECKED_LENGTH]
    with _LOCK:
        result = _estimator()(checked, user_inputs=inputs, max_length=CHECKED_LENGTH)
    if result["score"] >= MIN_SCORE:
        return None
    reason = _WARNINGS.get(result["feedback"].get("warning") or "")
    if reason is None and any(match.get("dictionary_name") == "user_inputs" for match in result["sequence"]):
        reason = USES_YOUR_DETAILS
    problem = _(TOO_GUESSABLE_BECAUSE, reason=_(reason)) if reason else _(TOO_GUESSABLE)
    return f"{problem} {_(ADVICE)}"
