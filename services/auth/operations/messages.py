"""What auth's account operations answer a person when they refuse: the French text (the gettext msgid, translated
when the error body is written), found in one place to reread or reword together."""
from __future__ import annotations

from chassis.i18n import N_

# Accounts (operations.users), also said by an email change to an address already taken.
EMAIL_TAKEN = N_("Cette adresse courriel est déjà utilisée.")
NOT_FOUND = N_("Utilisateur introuvable.")
CARD_TAKEN = N_("Ce numéro de carte (ou ce nom d'utilisateur) est déjà utilisé.")

# Logging in and refreshing (operations.sessions).
INVALID_CREDENTIALS = N_("Identifiant ou mot de passe invalide.")
INVALID_REFRESH = N_("Session expirée ou révoquée : reconnectez-vous.")

# Changing one's email (operations.email_changes).
PASSWORD_REQUIRED = N_("Entrez votre mot de passe actuel pour changer de courriel.")
WRONG_PASSWORD = N_("Le mot de passe actuel est incorrect.")
LINK_INVALID = N_("Ce lien n'est plus valide (déjà utilisé, remplacé ou expiré).")
