"""The platform's roles (see ../shared/api.md "Conventions")."""
TRAINER = "trainer"
CARDS_STAFF = "cards_staff"
MEMBER = "member"
PRODUCTIONS_STAFF = "productions_staff"

ALL_ROLES = (TRAINER, CARDS_STAFF, MEMBER, PRODUCTIONS_STAFF)
STAFF_ROLES = (CARDS_STAFF, PRODUCTIONS_STAFF)

# Which staff role manages which kind of account (names, email): ASSTSAS staff the trainers (X8),
# AQPM staff the members.
MANAGED_BY = {CARDS_STAFF: TRAINER, PRODUCTIONS_STAFF: MEMBER}
