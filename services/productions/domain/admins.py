"""House administrators (P4): delegates by default, and a warning past a few extra ones."""
from __future__ import annotations

from chassis.i18n import N_, _

RECOMMENDED_EXTRA_ADMINS = 4

EXTRA_ADMINS_WARNING = N_("L'AQPM recommande de ne pas ajouter plus de 3 ou 4 administrateurs additionnels "
                          "(%(count)s actuellement).")


def extra_admin_count(delegate_flags: list[bool]) -> int:
    """Administrators who are not delegates of the house."""
    return sum(1 for delegate in delegate_flags if not delegate)


def extra_admins_warning(delegate_flags: list[bool]) -> str | None:
    count = extra_admin_count(delegate_flags)
    if count > RECOMMENDED_EXTRA_ADMINS:
        return _(EXTRA_ADMINS_WARNING, count=count)
    return None
