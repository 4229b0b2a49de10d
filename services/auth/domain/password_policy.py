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

# zxcvbn's score, 0 to 4; 3 is "safely unguessable: moderate protection from an offline slow-hash
# attack" (under 10^10 guesses is 2), the level zxcvbn's authors recommend requiring.
MIN_SCORE = 3

# The estimate's cost grows with the length (repeats and sequences are searched in every part of the
# password): a start of 64 characters that is not guessable makes the password not guessable.
CHECKED_LENGTH = 64

TOO_GUESSABLE = ("Ce mot de passe est trop facile à deviner", "This password is too easy to guess")
ADVICE = ("Ajoutez un ou deux mots peu courants, ou choisissez une phrase que vous seul connaissez.",
          "Add another word or two (uncommon words are better), or pick a phrase only you know.")
USES_YOUR_DETAILS = ("il reprend votre nom ou votre courriel", "it uses your name or email")

# zxcvbn's warnings (English only in the library), in French and English.
_WARNINGS = {
    "Straight rows of keys are easy to guess.": (
        "une rangée de touches du clavier se devine facilement", "straight rows of keys are easy to guess"),
    "Short keyboard patterns are easy to guess.": (
        "un court motif du clavier se devine facilement", "short keyboard patterns are easy to guess"),
    'Repeats like "aaa" are easy to guess.': (
        "une répétition comme « aaa » se devine facilement", 'repeats like "aaa" are easy to guess'),
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': (
        "une répétition comme « abcabcabc » se devine presque aussi facilement que « abc »",
        'repeats like "abcabcabc" are only slightly harder to guess than "abc"'),
    'Sequences like "abc" or "6543" are easy to guess.': (
        "une suite comme « abc » ou « 6543 » se devine facilement",
        'sequences like "abc" or "6543" are easy to guess'),
    "Recent years are easy to guess.": (
        "une année récente se devine facilement", "recent years are easy to guess"),
    "Dates are often easy to guess.": (
        "une date se devine souvent facilement", "dates are often easy to guess"),
    "This is a top-10 common password.": (
        "c'est l'un des 10 mots de passe les plus courants", "this is a top-10 common password"),
    "This is a top-100 common password.": (
        "c'est l'un des 100 mots de passe les plus courants", "this is a top-100 common password"),
    "This is a very common password.": (
        "c'est un mot de passe très courant", "this is a very common password"),
    "This is similar to a commonly used password.": (
        "il ressemble à un mot de passe courant", "this is similar to a commonly used password"),
    "A word by itself is easy to guess.": (
        "un mot seul se devine facilement", "a word by itself is easy to guess"),
    "Names and surnames by themselves are easy to guess.": (
        "un prénom ou un nom seul se devine facilement", "names and surnames by themselves are easy to guess"),
    "Common names and surnames are easy to guess.": (
        "les prénoms et les noms courants se devinent facilement", "common names and surnames are easy to guess"),
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
            local, _, domain = detail.partition("@")
            words += [local, domain.split(".")[0], *local.replace("-", ".").replace("_", ".").split(".")]
    return [w.strip().lower() for w in words if len(w.strip()) >= 2]


def guessability_problem(password: str, inputs: list[str]) -> str | None:
    """None when ``password`` is hard enough to guess, else the "Texte. / Text." message saying why."""
    checked = password[:CHECKED_LENGTH]
    with _LOCK:
        result = _estimator()(checked, user_inputs=inputs, max_length=CHECKED_LENGTH)
    if result["score"] >= MIN_SCORE:
        return None
    reason = _WARNINGS.get(result["feedback"].get("warning") or "")
    if reason is None and any(match.get("dictionary_name") == "user_inputs" for match in result["sequence"]):
        reason = USES_YOUR_DETAILS
    fr = f"{TOO_GUESSABLE[0]} : {reason[0]}." if reason else f"{TOO_GUESSABLE[0]}."
    en = f"{TOO_GUESSABLE[1]}: {reason[1]}." if reason else f"{TOO_GUESSABLE[1]}."
    return f"{fr} {ADVICE[0]} / {en} {ADVICE[1]}"
