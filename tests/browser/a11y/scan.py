"""One accessibility scan of the page a browser shows: axe-core's rules (every impact) plus the three
checks axe no longer makes or cannot make alone — every id unique, every form control labelled, and
focus visible (a focused control looks different from an unfocused one).

``scan(page) -> list[Finding]``; an empty list is a clean page. axe-core is the version pinned in
tests/browser/package-lock.json (``deploy/dev/ensure-infra.sh`` runs ``npm ci``); the pages'
Content-Security-Policy only allows their own scripts, so the browser context needs ``bypass_csp=True``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

AXE_JS = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"

# Our own checks, run in the page. Visible controls only: a hidden field is no one's business.
OWN_CHECKS_JS = r"""
() => {
  const findings = [];
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
                          && getComputedStyle(el).visibility !== 'hidden';
  const path = (el) => {
    let text = el.tagName.toLowerCase();
    if (el.id) return text + '#' + el.id;
    if (el.name) text += `[name="${el.name}"]`;
    const form = el.closest('form');
    if (form && form.getAttribute('action')) text = `form[action="${form.getAttribute('action')}"] ` + text;
    return text;
  };

  const seen = {};
  for (const el of document.querySelectorAll('[id]')) { (seen[el.id] = seen[el.id] || []).push(el); }
  for (const [id, els] of Object.entries(seen)) {
    if (els.length > 1) findings.push({rule: 'own-duplicate-id', impact: 'serious',
      help: `id "${id}" is used ${els.length} times: a label or aria reference reaches the wrong element`,
      targets: els.map(path)});
  }

  const controls = document.querySelectorAll(
    'input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]):not([type=image]), '
    + 'select, textarea');
  for (const el of controls) {
    if (!visible(el)) continue;
    const named = (el.labels && el.labels.length) || (el.getAttribute('aria-label') || '').trim()
                  || (el.getAttribute('aria-labelledby') || '').trim();
    if (!named) findings.push({rule: 'own-control-label', impact: 'serious',
      help: 'form control without an associated <label> (or aria-label/aria-labelledby)', targets: [path(el)]});
  }

  const look = (el) => {
    const s = getComputedStyle(el);
    return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.borderColor, s.backgroundColor,
            s.textDecorationLine, s.color].join('|');
  };
  const focusable = document.querySelectorAll(
    'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), ' +
    'textarea:not([disabled]), [tabindex]:not([tabindex="-1"])');
  for (const el of focusable) {
    if (!visible(el)) continue;
    if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
    const before = look(el);
    el.focus({preventScroll: true});
    if (document.activeElement !== el) continue;
    const after = look(el);
    el.blur();
    if (before === after) findings.push({rule: 'own-focus-visible', impact: 'serious',
      help: 'a focused element looks exactly like an unfocused one (outline, box-shadow, border, colours)',
      targets: [path(el)]});
  }
  return findings;
}
"""

AXE_RUN_JS = r"""
async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({rule: v.id, impact: v.impact || 'minor', help: v.help,
                                      targets: v.nodes.map(n => n.target.join(' '))}));
}
"""


@dataclass(frozen=True)
class Finding:
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.rule} ({self.impact}): {self.help} — {', '.join(self.targets[:4])}"


def scan(page) -> list[Finding]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    raw = page.evaluate(AXE_RUN_JS)
    # Keyboard modality first, so that the script-moved focus below shows as it does for a keyboard user
    # (styles on :focus-visible).
    page.keyboard.press("Shift+Tab")
    raw += page.evaluate(OWN_CHECKS_JS)
    return [Finding(f["rule"], f["impact"], f["help"], tuple(f["targets"])) for f in raw]
