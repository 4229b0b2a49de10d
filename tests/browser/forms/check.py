"""Sending a form with wrong values as any client could (the browser's own checks switched off), and
checking the answer: each refused field carries its message beside it, in the page's language.

A message is *beside its field* when it is an element of class ``field-error`` that the control names in
``aria-describedby``, or that sits in the control's ``.field`` container.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from playwright.sync_api import Page

# Lets any value through to the server, as a script or an old browser would send it: no required, no
# maxlength, no min/max, no type=email/date/number parsing.
UNGUARD_JS = """() => {
  document.querySelectorAll('form').forEach(f => f.noValidate = true);
  document.querySelectorAll('input, select, textarea').forEach(e => {
    ['required', 'maxlength', 'minlength', 'min', 'max', 'pattern'].forEach(a => e.removeAttribute(a));
    if (e.tagName === 'INPUT' && ['email', 'date', 'number', 'tel', 'month'].includes(e.type)) e.type = 'text';
  });
}"""

# The error messages tied to one control, by aria-describedby or by its .field container.
ERRORS_OF_JS = """(el) => {
  const found = new Set();
  for (const id of (el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean)) {
    const d = document.getElementById(id);
    if (d && d.classList.contains('field-error') && d.innerText.trim()) found.add(d);
  }
  const box = el.closest('.field');
  if (box) box.querySelectorAll('.field-error').forEach(e => { if (e.innerText.trim()) found.add(e); });
  return [...found].map(e => e.innerText.trim());
}"""

# "Texte. / Text." (not a label pair such as "M. / Mr.")
GLUED_HALVES = re.compile(r"(?:\w{3,}|[)»])[.!?] / [A-ZÉÀ]")
ENGLISH_WORDS = re.compile(r"\b(required|invalid|not a valid|must|field|enter|choose|characters?|missing|length|"
                           r"between|only|should|too)\b", re.I)
FRENCH_WORDS = re.compile(r"[éèêàçùâîôÉ]|\b(champ|obligatoire|invalide|doit|entrez|choisissez|caractères|"
                          r"entre|numéro|seulement|trop|aucune?)\b", re.I)


def in_language(text: str, language: str) -> bool:
    if GLUED_HALVES.search(text):
        return False
    return not (ENGLISH_WORDS if language == "fr" else FRENCH_WORDS).search(text)


@dataclass
class Case:
    """One sending of a form: the values typed (by control name; a <select> by option value, a file by
    ``("name.csv", bytes)``) and the controls that must show an error beside them."""
    name: str
    values: dict = field(default_factory=dict)
    refused: tuple = ()
    top: str = ""                    # a text the top of the page must say instead (no field to hold it)


def one_at_a_time(good: dict, *wrongs: tuple) -> list[Case]:
    """``(kind, field, value)`` -> a case with every other field right, so that the one wrong value is the
    only thing refused (an API checks types and lengths before formats: two kinds at once hide one)."""
    return [Case(f"{field}: {kind}", {**good, field: value}, (field,)) for kind, field, value in wrongs]


def send(page: Page, form: str, case: Case, submit: str = "button[type=submit]") -> None:
    page.evaluate(UNGUARD_JS)
    scope = page.locator(form)
    for name, value in case.values.items():
        control = scope.locator(f"[name='{name}']").first
        tag = control.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if tag.startswith("select"):
            # a value the list does not offer is still what a hand-made request could send
            control.evaluate("""(e, v) => { if (![...e.options].some(o => o.value === v)) {
                const o = document.createElement('option'); o.value = v; o.text = v; e.add(o); } }""", value)
            control.select_option(value)
        elif tag == "input:file":
            control.set_input_files(files=[{"name": value[0], "mimeType": "text/csv", "buffer": value[1]}])
        elif tag == "input:checkbox":
            control.set_checked(bool(value))
        elif tag == "input:hidden":
            control.evaluate("(e, v) => e.value = v", value)
        else:
            control.fill(value)
    scope.locator(submit).first.click()
    page.wait_for_load_state()


def problems(page: Page, form: str, case: Case, language: str) -> list[str]:
    """What is wrong with the page shown after ``case`` was refused; empty when all is right."""
    found = []
    scope = page.locator(form)
    for names in case.refused:              # "a|b": the message may sit beside either control
        messages, missing = [], []
        for name in names.split("|"):
            control = scope.locator(f"[name='{name}']").first
            if not control.count():
                missing.append(name)
                continue
            messages += control.evaluate(ERRORS_OF_JS)
        if missing and len(missing) == len(names.split("|")):
            found.append(f"{names}: the control is not on the page any more")
            continue
        if not messages:
            found.append(f"{names}: no error message beside the field")
        if len(messages) != len(set(messages)):
            found.append(f"{names}: the same error shown twice: {messages}")
        for message in messages:
            if not in_language(message, language):
                found.append(f"{names}: message not in {language}: {message!r}")
    shown = page.locator(".field-error, .flash.error, .errors, [role=alert]").all_inner_texts()
    for text in shown:
        if GLUED_HALVES.search(text):
            found.append(f"bilingual message glued on the page: {text!r}")
    tops = [t.strip() for t in page.locator(".flash.error, [role=alert]").all_inner_texts() if t.strip()]
    if len(tops) != len(set(tops)):
        found.append(f"the same message shown twice at the top: {tops}")
    if case.top and case.top not in page.locator("main").inner_text():
        found.append(f"the page does not say {case.top!r}")
    return found


def run(page: Page, path: str, form: str, cases: list[Case], language: str, snapshot,
        submit: str = "button[type=submit]") -> list[str]:
    """Each case on a fresh load of ``path``; what ``snapshot()`` reads through the API must not change.
    Returns every problem found, so that one failure lists them all."""
    found = []
    before = snapshot()
    for case in cases:
        page.goto(path)
        if not page.locator(form).count():        # e.g. a refused payment that went through after all
            found.append(f"[{language}] {case.name}: the form is not on {path} any more")
            continue
        send(page, form, case, submit)
        found += [f"[{language}] {case.name}: {p}" for p in problems(page, form, case, language)]
        after = snapshot()
        if after != before:
            found.append(f"[{language}] {case.name}: something was written although the form was refused: "
                         f"{before!r} -> {after!r}")
            before = after
    return found


def set_language(page: Page, language: str) -> None:
    page.goto(f"/lang/{language}?next=/help")


def sign_in(page: Page, login: str, password: str, aqpm: bool = False) -> None:
    """Logs in on the portal's own page (AQPM by email, ASSTSAS by username or staff email)."""
    if aqpm:
        page.goto("/aqpm/")
        form = page.locator("form[action^='/aqpm/login']")
        form.locator("input[name=email]").fill(login)
    else:
        page.goto("/")
        form = page.locator("main form:has([name=password])")
        form.locator("input[name=login]").fill(login)
    form.locator("input[name=password]").fill(password)
    form.locator("input[name=password]").press("Enter")
    page.locator("form[action$='/logout']").first.wait_for(state="attached")


def run_both(page: Page, path: str, form: str, cases: list[Case], snapshot, submit: str = "button[type=submit]",
             english: int = 1) -> list[str]:
    """Every case on the French page, then the first ``english`` ones (the empty form) on the English one."""
    set_language(page, "fr")
    found = run(page, path, form, cases, "fr", snapshot, submit)
    set_language(page, "en")
    found += run(page, path, form, cases[:english], "en", snapshot, submit)
    set_language(page, "fr")
    return found
