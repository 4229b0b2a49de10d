"""data: the shipped French reference lists (organization types, institutions, activities, titles)

Staff add and retire entries afterwards through ``POST/PATCH /reference/{kind}``; this revision
only inserts the starting lists (and removes exactly those on downgrade when unused).
"""
import sqlalchemy as sa
from alembic import op

revision = "0002_reference_lists"
down_revision = "0001_schema"

ORGANIZATION_TYPES = [
    # code, French label, English label, requires an accredited institution
    ("etablissement_public", "Établissement public du réseau de la santé et des services sociaux",
     "Public health and social services institution", False),
    ("etablissement_prive", "Établissement privé conventionné", "Private subsidized institution", False),
    ("chsld_prive", "CHSLD privé non conventionné", "Private long-term care centre (CHSLD)", False),
    ("rpa", "Résidence privée pour aînés (RPA)", "Private seniors' residence", False),
    ("ri_rtf", "Ressource intermédiaire ou de type familial (RI-RTF)", "Intermediate or family-type resource", False),
    ("eesad", "Entreprise d'économie sociale en aide à domicile (EESAD)",
     "Home-care social economy enterprise", False),
    ("prehospitalier", "Entreprise de services préhospitaliers d'urgence", "Pre-hospital emergency services company",
     False),
    ("communautaire", "Organisme communautaire", "Community organization", False),
    ("maison_enseignement", "Maison d'enseignement accréditée", "Accredited teaching institution", True),
    ("agence_placement", "Agence de placement de personnel", "Staffing agency", False),
    ("autre", "Autre", "Other", False),
]

INSTITUTIONS = [
    "Cégep de Chicoutimi", "Cégep de l'Outaouais", "Cégep de Rimouski", "Cégep de Saint-Jérôme",
    "Cégep de Sainte-Foy", "Cégep de Sherbrooke", "Cégep de Trois-Rivières", "Cégep du Vieux Montréal",
    "Cégep Limoilou", "Collège Ahuntsic", "Collège de Maisonneuve", "Collège Dawson", "Collège Vanier",
    "Centre de formation professionnelle 24-Juin", "Centre de formation professionnelle de Lachine",
    "Centre de formation professionnelle Fierbourg", "Centre de formation professionnelle Marie-Rollet",
    "Centre de formation professionnelle Pierre-Dupuy",
    "Centre de formation professionnelle Relais de la Lièvre-Seigneurie",
    "École des métiers des Faubourgs-de-Montréal", "Université de Montréal", "Université de Sherbrooke",
    "Université Laval", "Université du Québec à Trois-Rivières",
]

ACTIVITIES = [
    ("pdsb", "PDSB — Principes pour le déplacement sécuritaire des bénéficiaires",
     "PDSB — Principles for the safe moving of patients"),
    ("pdsb_domicile", "PDSB — Soins et services à domicile", "PDSB — Home care and services"),
    ("pdsb_prehospitalier", "PDSB — Services préhospitaliers d'urgence", "PDSB — Pre-hospital emergency services"),
    ("pdsb_readaptation", "PDSB — Réadaptation et hébergement", "PDSB — Rehabilitation and residential care"),
    ("omega_base", "Oméga de base — Intervention sécuritaire en situation d'agressivité",
     "Oméga basic — Safe intervention in aggressive situations"),
    ("omega_plus", "Oméga Plus — Techniques d'intervention physique", "Oméga Plus — Physical intervention techniques"),
    ("simdut", "SIMDUT 2015 — Système d'information sur les matières dangereuses utilisées au travail",
     "WHMIS 2015 — Workplace hazardous materials information system"),
    ("ergonomie_bureau", "Ergonomie du poste de travail informatisé", "Computer workstation ergonomics"),
    ("risques_biologiques", "Prévention des risques biologiques", "Biological hazard prevention"),
]

TITLES = [("mme", "Mme", "Ms."), ("m", "M.", "Mr."), ("mx", "Mx", "Mx")]

_organization_types = sa.table("organization_types", sa.column("code"), sa.column("label"), sa.column("label_en"),
                               sa.column("requires_institution"), sa.column("active"), sa.column("position"))
_institutions = sa.table("institutions", sa.column("name"), sa.column("active"))
_activities = sa.table("activities", sa.column("code"), sa.column("label"), sa.column("label_en"),
                       sa.column("active"), sa.column("position"))
_titles = sa.table("titles", sa.column("code"), sa.column("label"), sa.column("label_en"), sa.column("active"),
                   sa.column("position"))


def upgrade() -> None:
    op.bulk_insert(_organization_types, [
        {"code": code, "label": fr, "label_en": en, "requires_institution": institution, "active": True,
         "position": index} for index, (code, fr, en, institution) in enumerate(ORGANIZATION_TYPES)])
    op.bulk_insert(_institutions, [{"name": name, "active": True} for name in INSTITUTIONS])
    op.bulk_insert(_activities, [{"code": code, "label": fr, "label_en": en, "active": True, "position": index}
                                 for index, (code, fr, en) in enumerate(ACTIVITIES)])
    op.bulk_insert(_titles, [{"code": code, "label": fr, "label_en": en, "active": True, "position": index}
                             for index, (code, fr, en) in enumerate(TITLES)])


def downgrade() -> None:
    op.execute(_titles.delete().where(_titles.c.code.in_([row[0] for row in TITLES])))
    op.execute(_activities.delete().where(_activities.c.code.in_([row[0] for row in ACTIVITIES])))
    op.execute(_institutions.delete().where(_institutions.c.name.in_(INSTITUTIONS)))
    op.execute(_organization_types.delete().where(
        _organization_types.c.code.in_([row[0] for row in ORGANIZATION_TYPES])))
