"""Generation of the demo data of `manage.py seed_demo`.

Everything is derived from one `random.Random(seed)` and from the fixed `REFERENCE_DATE`, so two runs
with the same seed and size produce the same content. The builder first draws a complete plan (plain
data), then writes it: pages one by one through Wagtail (tree, revisions, publication), people in bulk.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db.models import Count, F
from django.utils.text import slugify
from wagtail.models import Page, Site

from cms_pages.models import (
    GuideIndexPage,
    GuidePage,
    HomePage,
    OfferIndexPage,
    OfferPage,
    OrganisationIndexPage,
    OrganisationPage,
    Programme,
)
from portal.accounts import permissions
from portal.accounts.models import HubModerator, Membership, SchoolStaff, Student, TermsAcceptance, User
from portal.demo.guides import GUIDES
from portal.notifications.services import without_notifications
from portal.recruitment.models import Application
from portal.reference.choices import InternshipType, OfferStatus, OrganisationKind, StudyLevel
from portal.reference.models import Country
from workflows import services as offer_services
from workflows.models import Campaign

DEFAULT_PASSWORD = "portal-demo"
DEFAULT_SEED = 2026
REFERENCE_DATE = date(2026, 9, 1)
REFERENCE_DATETIME = datetime.combine(REFERENCE_DATE, time(9, 0), tzinfo=UTC)

EDITOR_EMAIL = "editor@demo.example"
MODERATOR_EMAIL = "moderator@demo.example"
COMPANY_ADMIN_EMAIL = "admin@company1.demo.example"
COMPANY_CONTACT_EMAIL = "contact@company1.demo.example"
STUDENT_EMAIL = "student1@demo.example"
TUTOR_EMAIL = "tutor@school1.demo.example"


def demo_accounts(password: str = DEFAULT_PASSWORD) -> list[tuple[str, str]]:
    """The demo accounts (e-mail, role), all of which log in with `password` once seeded."""
    return [
        (EDITOR_EMAIL, "Wagtail editor and superuser"),
        (MODERATOR_EMAIL, "Moderator of the first hub"),
        (COMPANY_ADMIN_EMAIL, "Administrator of the first company"),
        (COMPANY_CONTACT_EMAIL, "Secondary contact of the first company (may create offers)"),
        (STUDENT_EMAIL, "Student of the first school"),
        (TUTOR_EMAIL, "Academic tutor and programme head of the first school"),
    ]


def format_accounts(password: str = DEFAULT_PASSWORD) -> str:
    """The demo accounts as a text table (e-mail, role, password)."""
    rows = [("E-mail", "Role", "Password")] + [(email, role, password) for email, role in demo_accounts(password)]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def demo_data_present() -> bool:
    """The marker of a seeded database: the demo editor or the first demo hub exists."""
    return (
        User.objects.filter(email=EDITOR_EMAIL).exists()
        or OrganisationPage.objects.filter(kind=OrganisationKind.HUB, slug=HUBS[0]["slug"]).exists()
    )


def current_counts() -> list[tuple[str, int]]:
    """What the database holds now, for the summary of the command."""
    kinds = dict(OrganisationPage.objects.order_by().values_list("kind").annotate(n=Count("pk")))
    statuses = dict(OfferPage.objects.order_by().values_list("status").annotate(n=Count("pk")))
    rows = [
        ("hubs", kinds.get(OrganisationKind.HUB, 0)),
        ("schools", kinds.get(OrganisationKind.SCHOOL, 0)),
        ("programmes", Programme.objects.count()),
        ("companies", kinds.get(OrganisationKind.COMPANY, 0)),
        ("company contacts", Membership.objects.count()),
        ("offers", OfferPage.objects.count()),
        ("live offers", OfferPage.objects.live().count()),
    ]
    rows += [(f"  offers {status}", statuses.get(status, 0)) for status in OfferStatus.values]
    rows += [
        ("students", Student.objects.count()),
        ("school staff roles", SchoolStaff.objects.count()),
        ("hub moderators", HubModerator.objects.count()),
        ("users", User.objects.count()),
        ("guides", GuidePage.objects.count()),
        ("applications", Application.objects.count()),
    ]
    return rows


# ---------------------------------------------------------------------------------------------------------------------
# Vocabularies of the generator
# ---------------------------------------------------------------------------------------------------------------------

COUNTRY_WEIGHTS = {"BE": 4, "FR": 3, "TN": 3, "LU": 1}

CITIES = {
    "BE": [
        ("Bruxelles", "1000"),
        ("Liège", "4000"),
        ("Namur", "5000"),
        ("Charleroi", "6000"),
        ("Mons", "7000"),
        ("Louvain-la-Neuve", "1348"),
        ("Wavre", "1300"),
        ("Arlon", "6700"),
        ("Tournai", "7500"),
        ("Verviers", "4800"),
    ],
    "FR": [
        ("Lille", "59000"),
        ("Metz", "57000"),
        ("Nancy", "54000"),
        ("Strasbourg", "67000"),
        ("Lyon", "69003"),
        ("Reims", "51100"),
        ("Grenoble", "38000"),
        ("Nantes", "44000"),
        ("Toulouse", "31000"),
        ("Valenciennes", "59300"),
    ],
    "TN": [
        ("Tunis", "1002"),
        ("Ariana", "2080"),
        ("Sfax", "3000"),
        ("Sousse", "4000"),
        ("Monastir", "5000"),
        ("Nabeul", "8000"),
        ("Bizerte", "7000"),
        ("Ben Arous", "2013"),
    ],
    "LU": [
        ("Luxembourg", "L-1855"),
        ("Esch-sur-Alzette", "L-4362"),
        ("Differdange", "L-4501"),
        ("Ettelbruck", "L-9085"),
    ],
}

STREETS = {
    "BE": ["rue de la Station", "avenue des Tilleuls", "rue du Parc industriel", "chaussée de Namur", "rue Haute"],
    "FR": ["rue de la République", "avenue Foch", "rue des Artisans", "boulevard de l'Europe", "rue Pasteur"],
    "TN": [
        "avenue Habib Bourguiba",
        "rue de Marseille",
        "avenue de la Liberté",
        "rue Ibn Khaldoun",
        "zone industrielle",
    ],
    "LU": ["rue de l'Industrie", "avenue de la Gare", "boulevard Royal", "rue du Brill", "rue de Luxembourg"],
}

PHONE_PREFIX = {"BE": "+32 4", "FR": "+33 3", "TN": "+216 7", "LU": "+352 2"}

LEGAL_FORMS = {
    "BE": ["SRL", "SA", "SC"],
    "FR": ["SAS", "SARL", "SA"],
    "TN": ["SARL", "SA", "SUARL"],
    "LU": ["S.à r.l.", "SA"],
}

COMPANY_ROOTS = [
    "Altéa",
    "Brevia",
    "Corvane",
    "Delvia",
    "Estrelle",
    "Fluxen",
    "Galvane",
    "Hélios Nord",
    "Iridis",
    "Jovéa",
    "Kaelis",
    "Lumeo",
    "Maréon",
    "Novalis",
    "Opteam",
    "Praxen",
    "Quantil",
    "Rivéa",
    "Sylvane",
    "Terralis",
    "Ubiqa",
    "Valtis",
    "Mosa",
    "Ardenna",
    "Carthéa",
    "Médina",
    "Escaut",
    "Belval",
    "Oliveraie",
    "Sambre",
    "Hauts-de-Fagne",
    "Kerkouane",
    "Djerbia",
    "Alzette",
    "Vosgia",
    "Lorvane",
]

# NACE rev. 2 divisions used by the demo, with what it takes to write plausible companies and offers.
SECTORS = {
    "62": {
        "words": ["Informatique", "Software", "Digital", "Data", "Cloud"],
        "activities": [
            "conçoit des applications web et mobiles pour les PME de la région",
            "édite un logiciel de gestion utilisé par des collectivités locales",
            "accompagne ses clients dans leur migration vers le cloud",
        ],
        "keywords": [
            "Python",
            "Django",
            "JavaScript",
            "React",
            "DevOps",
            "cybersécurité",
            "données",
            "cloud",
            "API REST",
            "tests automatisés",
        ],
        "team": "de développement",
        "titles": [
            "Développeur·se web Python/Django",
            "Développeur·se front-end React",
            "Assistant·e DevOps",
            "Analyste de données junior",
            "Testeur·se logiciel",
            "Assistant·e en cybersécurité",
        ],
        "tasks": [
            "participer au développement de nouvelles fonctionnalités",
            "écrire et maintenir des tests automatisés",
            "contribuer aux revues de code de l'équipe",
            "documenter les API de la plateforme",
            "construire des tableaux de bord de suivi",
            "automatiser les déploiements",
        ],
    },
    "26": {
        "words": ["Électronique", "Microsystèmes", "Capteurs", "Photonique"],
        "activities": [
            "conçoit et fabrique des capteurs pour l'industrie",
            "assemble des cartes électroniques en petites et moyennes séries",
            "développe des systèmes optiques de mesure",
        ],
        "keywords": [
            "électronique embarquée",
            "microcontrôleurs",
            "CAO électronique",
            "tests de production",
            "capteurs",
            "C embarqué",
            "optique",
            "qualité",
        ],
        "team": "de conception électronique",
        "titles": [
            "Technicien·ne en électronique",
            "Ingénieur·e systèmes embarqués",
            "Assistant·e qualité production",
            "Développeur·se firmware",
        ],
        "tasks": [
            "concevoir et tester des prototypes de cartes",
            "rédiger des procédures de test",
            "analyser les non-conformités de production",
            "programmer des microcontrôleurs",
            "participer à l'industrialisation d'un nouveau produit",
        ],
    },
    "10": {
        "words": ["Agroalimentaire", "Saveurs", "Biscuiterie", "Laiterie", "Conserverie"],
        "activities": [
            "produit des biscuits artisanaux distribués en grande surface",
            "transforme le lait de producteurs locaux",
            "fabrique des conserves de légumes de saison",
        ],
        "keywords": [
            "sécurité alimentaire",
            "HACCP",
            "qualité",
            "production",
            "R&D produit",
            "emballage",
            "traçabilité",
            "logistique",
        ],
        "team": "qualité et production",
        "titles": [
            "Assistant·e qualité HACCP",
            "Technicien·ne de production",
            "Assistant·e R&D produits",
            "Chargé·e de traçabilité",
        ],
        "tasks": [
            "réaliser les contrôles qualité en ligne",
            "mettre à jour le plan HACCP",
            "participer à la mise au point de nouvelles recettes",
            "suivre les indicateurs de production",
            "préparer les audits clients",
        ],
    },
    "29": {
        "words": ["Automotive", "Mobilité", "Équipements", "Carrosserie"],
        "activities": [
            "fabrique des pièces de carrosserie pour des constructeurs européens",
            "développe des équipements pour véhicules électriques",
            "assemble des faisceaux électriques pour l'automobile",
        ],
        "keywords": [
            "lean manufacturing",
            "véhicule électrique",
            "CAO mécanique",
            "méthodes",
            "maintenance",
            "qualité",
            "amélioration continue",
            "robotique",
        ],
        "team": "méthodes et industrialisation",
        "titles": [
            "Assistant·e ingénieur·e méthodes",
            "Technicien·ne de maintenance",
            "Assistant·e amélioration continue",
            "Technicien·ne essais véhicules",
        ],
        "tasks": [
            "analyser les temps de cycle d'une ligne d'assemblage",
            "proposer des améliorations des postes de travail",
            "suivre un plan de maintenance préventive",
            "participer aux essais de validation",
            "rédiger des gammes de fabrication",
        ],
    },
    "06": {
        "words": ["Énergie", "Hydrocarbures", "Forage", "Gaz"],
        "activities": [
            "exploite des champs gaziers en partenariat avec l'opérateur national",
            "réalise des études de réservoir pour des opérateurs pétroliers",
            "assure la maintenance d'installations de forage",
        ],
        "keywords": [
            "géologie",
            "forage",
            "HSE",
            "maintenance industrielle",
            "instrumentation",
            "géophysique",
            "sécurité",
        ],
        "team": "des opérations",
        "titles": [
            "Assistant·e ingénieur·e réservoir",
            "Technicien·ne HSE",
            "Technicien·ne instrumentation",
            "Assistant·e géologue",
        ],
        "tasks": [
            "participer à l'interprétation de données de puits",
            "mettre à jour les analyses de risques HSE",
            "étalonner l'instrumentation de site",
            "préparer les rapports d'exploitation",
            "suivre les interventions de maintenance",
        ],
    },
    "71": {
        "words": ["Ingénierie", "Études", "Engineering", "Géotechnique"],
        "activities": [
            "réalise des études de structures pour le bâtiment",
            "conçoit des installations techniques pour l'industrie",
            "réalise des études géotechniques et des contrôles de chantier",
        ],
        "keywords": [
            "BIM",
            "Revit",
            "AutoCAD",
            "calcul de structures",
            "géotechnique",
            "suivi de chantier",
            "contrôle technique",
            "énergie du bâtiment",
        ],
        "team": "du bureau d'études",
        "titles": [
            "Dessinateur·rice projeteur·se BIM",
            "Assistant·e ingénieur·e structures",
            "Technicien·ne géotechnique",
            "Assistant·e conducteur·rice de travaux",
        ],
        "tasks": [
            "modéliser des ouvrages en BIM",
            "réaliser des notes de calcul",
            "participer aux visites de chantier",
            "préparer les dossiers de consultation des entreprises",
            "exploiter des essais de sol",
        ],
    },
    "72": {
        "words": ["Recherche", "Labs", "Biotech", "Innovation"],
        "activities": [
            "mène des projets de recherche appliquée en biotechnologie",
            "développe des matériaux innovants avec des partenaires universitaires",
            "conduit des essais de laboratoire pour l'industrie pharmaceutique",
        ],
        "keywords": [
            "biotechnologie",
            "laboratoire",
            "analyse de données",
            "matériaux",
            "chimie analytique",
            "publication scientifique",
            "modélisation",
        ],
        "team": "de recherche",
        "titles": [
            "Assistant·e de recherche en biotechnologie",
            "Technicien·ne de laboratoire",
            "Stagiaire en modélisation numérique",
            "Assistant·e chef·fe de projet R&D",
        ],
        "tasks": [
            "préparer et conduire des manipulations de laboratoire",
            "analyser et mettre en forme des résultats d'essais",
            "tenir le cahier de laboratoire",
            "réaliser une veille scientifique",
            "présenter l'avancement des travaux à l'équipe",
        ],
    },
    "70": {
        "words": ["Conseil", "Consulting", "Management", "Stratégie"],
        "activities": [
            "accompagne les PME dans leur transformation",
            "conseille les directions financières d'entreprises industrielles",
            "aide les entreprises familiales à préparer leur transmission",
        ],
        "keywords": [
            "stratégie",
            "gestion de projet",
            "finance",
            "contrôle de gestion",
            "transformation numérique",
            "ressources humaines",
            "Excel",
            "analyse de marché",
        ],
        "team": "conseil",
        "titles": [
            "Consultant·e junior",
            "Assistant·e contrôle de gestion",
            "Chargé·e d'études de marché",
            "Assistant·e chef·fe de projet",
        ],
        "tasks": [
            "réaliser des diagnostics chez les clients",
            "construire des modèles financiers",
            "préparer les supports de restitution",
            "animer des ateliers avec les équipes clientes",
            "conduire une étude de marché",
        ],
    },
    "46": {
        "words": ["Distribution", "Négoce", "Import-Export", "Trading"],
        "activities": [
            "distribue du matériel électrique aux installateurs",
            "importe et distribue des produits alimentaires méditerranéens",
            "commercialise des fournitures industrielles en Europe",
        ],
        "keywords": [
            "commerce international",
            "logistique",
            "achats",
            "ERP",
            "supply chain",
            "vente B2B",
            "douane",
            "gestion des stocks",
        ],
        "team": "commerciale",
        "titles": [
            "Assistant·e commercial·e export",
            "Assistant·e acheteur·se",
            "Chargé·e de logistique",
            "Assistant·e supply chain",
        ],
        "tasks": [
            "suivre les commandes des clients",
            "préparer les documents d'exportation",
            "analyser les niveaux de stock",
            "consulter et comparer des fournisseurs",
            "mettre à jour les données de l'ERP",
        ],
    },
    "86": {
        "words": ["Santé", "Clinique", "Médical", "Soins"],
        "activities": [
            "gère une clinique de jour pluridisciplinaire",
            "coordonne un réseau de centres de soins",
            "propose des services d'imagerie médicale",
        ],
        "keywords": [
            "soins",
            "qualité des soins",
            "imagerie médicale",
            "gestion hospitalière",
            "hygiène",
            "dossier patient",
            "accueil",
        ],
        "team": "qualité et organisation des soins",
        "titles": [
            "Assistant·e qualité et gestion des risques",
            "Stagiaire en gestion hospitalière",
            "Assistant·e en imagerie médicale",
            "Assistant·e administratif·ve santé",
        ],
        "tasks": [
            "participer à l'évaluation des pratiques",
            "mettre à jour les procédures d'hygiène",
            "analyser les délais de prise en charge",
            "accompagner la numérisation du dossier patient",
            "préparer la visite de certification",
        ],
    },
}

HUBS = [
    {
        "title": "Pôle mosan de l'innovation",
        "slug": "pole-mosan-innovation",
        "country": "BE",
        "city": "Liège",
        "postcode": "4000",
        "keywords": ["industrie", "numérique", "Wallonie"],
        "description": "<p>Le pôle de référence des entreprises du bassin mosan : il valide leurs offres de stage "
        "et les met en relation avec les écoles de la région.</p>",
    },
    {
        "title": "Pôle entreprises Grand Est",
        "slug": "pole-entreprises-grand-est",
        "country": "FR",
        "city": "Metz",
        "postcode": "57000",
        "keywords": ["industrie", "transfrontalier", "apprentissage"],
        "description": "<p>Réseau d'entreprises du Grand Est et de la Grande Région, il accompagne l'accueil "
        "de stagiaires de part et d'autre de la frontière.</p>",
    },
    {
        "title": "Technopôle du Cap Bon",
        "slug": "technopole-cap-bon",
        "country": "TN",
        "city": "Nabeul",
        "postcode": "8000",
        "keywords": ["technologies", "agroalimentaire", "export"],
        "description": "<p>Le technopôle fédère les entreprises innovantes du Cap Bon et de Tunis et valide les "
        "offres de stage qu'elles publient.</p>",
    },
]
# Companies of these countries answer to this hub (by index in HUBS).
HUB_OF_COUNTRY = {"BE": 0, "LU": 0, "FR": 1, "TN": 2}

SCHOOLS = [
    {
        "title": "Haute École du Val de Meuse",
        "slug": "haute-ecole-val-de-meuse",
        "domain": "hevm.example",
        "country": "BE",
        "city": "Namur",
        "postcode": "5000",
        "description": "<p>Haute école pluridisciplinaire : informatique, électronique, gestion et sciences de "
        "l'ingénieur industriel.</p>",
        "programmes": [
            ("Bachelier en informatique de gestion", StudyLevel.BACHELOR, 3),
            ("Bachelier en électronique appliquée", StudyLevel.BACHELOR, 2),
            ("Master en sciences de l'ingénieur industriel", StudyLevel.MASTER, 1),
            ("Formation en alternance – technicien·ne de maintenance", StudyLevel.VOCATIONAL, 2),
            ("Bachelier en comptabilité", StudyLevel.BACHELOR, 3),
        ],
    },
    {
        "title": "École d'ingénieurs de Lorraine-Sud",
        "slug": "ecole-ingenieurs-lorraine-sud",
        "domain": "eils.example",
        "country": "FR",
        "city": "Nancy",
        "postcode": "54000",
        "description": "<p>École d'ingénieurs publique formant aux métiers de l'informatique, du génie "
        "industriel et de l'énergie.</p>",
        "programmes": [
            ("Cycle ingénieur – informatique", StudyLevel.ENGINEER, 4),
            ("Cycle ingénieur – génie industriel", StudyLevel.ENGINEER, 3),
            ("BTS Systèmes numériques", StudyLevel.VOCATIONAL, 2),
            ("Licence professionnelle Logistique", StudyLevel.BACHELOR, 3),
            ("Doctorat en sciences de l'ingénieur", StudyLevel.DOCTORATE, 1),
        ],
    },
    {
        "title": "Institut supérieur des sciences appliquées de Nabeul",
        "slug": "institut-sciences-appliquees-nabeul",
        "domain": "issan.example",
        "country": "TN",
        "city": "Nabeul",
        "postcode": "8000",
        "description": "<p>Institut public d'enseignement supérieur : génie logiciel, réseaux, génie électrique "
        "et industries agroalimentaires.</p>",
        "programmes": [
            ("Licence en génie logiciel", StudyLevel.BACHELOR, 3),
            ("Mastère professionnel en réseaux et télécommunications", StudyLevel.MASTER, 2),
            ("Cycle ingénieur en génie électrique", StudyLevel.ENGINEER, 3),
            ("Licence en industries agroalimentaires", StudyLevel.BACHELOR, 2),
            ("Cycle préparatoire intégré", StudyLevel.BACHELOR, 1),
        ],
    },
    {
        "title": "École supérieure de commerce et de technologie de Belval",
        "slug": "ecole-commerce-technologie-belval",
        "domain": "esctb.example",
        "country": "LU",
        "city": "Esch-sur-Alzette",
        "postcode": "L-4362",
        "description": "<p>École supérieure trilingue : gestion, logistique internationale et informatique "
        "appliquée.</p>",
        "programmes": [
            ("Bachelor en gestion d'entreprise", StudyLevel.BACHELOR, 2),
            ("Master en logistique internationale", StudyLevel.MASTER, 1),
            ("Brevet de technicien supérieur en informatique", StudyLevel.VOCATIONAL, 2),
            ("Bachelor en sciences de l'informatique", StudyLevel.BACHELOR, 3),
            ("Master en finance", StudyLevel.MASTER, 2),
        ],
    },
]

_WOMEN = [
    "Camille",
    "Emma",
    "Louise",
    "Chloé",
    "Manon",
    "Inès",
    "Léa",
    "Sarah",
    "Amira",
    "Mariem",
    "Yasmine",
    "Nour",
    "Eya",
    "Sofia",
    "Jeanne",
    "Margaux",
    "Clara",
    "Lina",
    "Zoé",
    "Salma",
    "Mathilde",
    "Anaïs",
    "Nadia",
]
_MEN = [
    "Lucas",
    "Noah",
    "Arthur",
    "Hugo",
    "Théo",
    "Nathan",
    "Maxime",
    "Julien",
    "Youssef",
    "Mehdi",
    "Karim",
    "Skander",
    "Aziz",
    "Elias",
    "Victor",
    "Romain",
    "Antoine",
    "Adam",
    "Baptiste",
    "Hamza",
    "Gilles",
    "Olivier",
    "Wassim",
]
FIRST_NAMES = [pair for woman, man in zip(_WOMEN, _MEN, strict=True) for pair in ((woman, "ms"), (man, "mr"))]
LAST_NAMES = [
    "Dubois",
    "Lambert",
    "Martin",
    "Peeters",
    "Janssens",
    "Leclercq",
    "Dupont",
    "Lefèvre",
    "Moreau",
    "Girard",
    "Fontaine",
    "Renard",
    "Collignon",
    "Wauters",
    "Mertens",
    "Ben Salah",
    "Trabelsi",
    "Gharbi",
    "Jlassi",
    "Hammami",
    "Mansouri",
    "Chaabane",
    "Karoui",
    "Ben Amor",
    "Schmit",
    "Weber",
    "Hoffmann",
    "Wagner",
    "Kieffer",
    "Bernard",
    "Petit",
    "Durand",
    "Fournier",
    "Mercier",
    "Lemaire",
    "Dumont",
    "Hubert",
    "Simon",
    "Laurent",
    "Noël",
    "Masson",
    "Marchal",
]

LEVEL_WEIGHTS = {
    StudyLevel.VOCATIONAL: 2,
    StudyLevel.BACHELOR: 4,
    StudyLevel.MASTER: 3,
    StudyLevel.ENGINEER: 3,
    StudyLevel.DOCTORATE: 1,
}
LEVEL_PROFILE = {
    StudyLevel.VOCATIONAL: "Vous suivez une formation professionnelle ou en alternance",
    StudyLevel.BACHELOR: "Vous êtes étudiant·e en bachelier ou en licence",
    StudyLevel.MASTER: "Vous êtes étudiant·e en master",
    StudyLevel.ENGINEER: "Vous êtes élève ingénieur·e",
    StudyLevel.DOCTORATE: "Vous préparez un doctorat",
}
TYPE_WEIGHTS = {
    InternshipType.DISCOVERY: 2,
    InternshipType.INSERTION: 3,
    InternshipType.MASTERY_SUPPORT: 2,
    InternshipType.MASTERY: 3,
}
SOFT_SKILLS = [
    "Curieux·se et rigoureux·se, vous aimez travailler en équipe.",
    "Autonome, vous savez rendre compte de votre travail à l'écrit comme à l'oral.",
    "Vous avez le sens de l'organisation et le goût du concret.",
    "Une bonne maîtrise de l'anglais est un atout.",
    "Vous êtes à l'aise avec les outils bureautiques et appréciez les échanges avec les clients.",
]
# Share of each status that is not "published"; the rest of the offers are published.
STATUS_SHARES = {
    OfferStatus.DRAFT: 0.06,
    OfferStatus.AWAITING_COMPANY_VALIDATION: 0.05,
    OfferStatus.AWAITING_HUB_VALIDATION: 0.07,
    OfferStatus.UNPUBLISHED: 0.04,
    OfferStatus.FILLED: 0.05,
    OfferStatus.CANCELLED: 0.03,
    OfferStatus.ARCHIVED: 0.05,
}
# Statuses of offers that have been live once: they keep a first publication date.
DEMO_CAMPAIGN = "2026-2027"
AWAITING_VALIDATION = {OfferStatus.AWAITING_COMPANY_VALIDATION, OfferStatus.AWAITING_HUB_VALIDATION}
ONCE_PUBLISHED = {OfferStatus.PUBLISHED, OfferStatus.UNPUBLISHED, OfferStatus.FILLED, OfferStatus.ARCHIVED}
TARGETED_SHARE = 0.10
APPLICATIONS_PER_SIZE = 60
# Where the applications of the demo stand once the company side acted (none accepted: no offer gets filled).
APPLICATION_STATUS_SHARES = {"pending": 0.4, "read": 0.3, "interview": 0.2, "cancelled": 0.1}
# The demo student's own applications: to the first company's published offer, then spontaneously to it.
DEMO_STUDENT_APPLICATIONS = ("interview", "pending")
APPLICATION_MESSAGES = [
    "Madame, Monsieur,\n\nVotre offre correspond exactement au stage que je recherche. Vous trouverez en pièces "
    "jointes mon CV et ma lettre de motivation. Je reste à votre disposition pour un entretien.\n\nCordialement,",
    "Bonjour,\n\nÉtudiant·e motivé·e, je souhaite mettre mes compétences au service de votre équipe. Mon CV et ma "
    "lettre sont joints.\n\nBien à vous,",
    "Madame, Monsieur,\n\nJe me permets de vous adresser ma candidature pour ce stage. Je serais ravi·e d'en "
    "discuter avec vous.\n\nCordialement,",
]


def _ascii(text: str) -> str:
    return slugify(text).replace("-", "")


@dataclass
class Person:
    email: str
    first_name: str
    last_name: str
    civility: str
    is_staff: bool = False
    is_superuser: bool = False
    user: User | None = None


@dataclass
class CompanyPlan:
    title: str
    slug: str
    country: str
    city: str
    postcode: str
    sector: str
    keywords: list[str]
    activity: str
    admin: Person
    contacts: list[tuple[Person, bool]] = field(default_factory=list)
    page: OrganisationPage | None = None

    def authors(self) -> list[Person]:
        return [self.admin] + [person for person, can_create in self.contacts if can_create]

    def secondary_authors(self) -> list[Person]:
        return [person for person, can_create in self.contacts if can_create]


@dataclass
class OfferPlan:
    company: CompanyPlan
    author: Person
    status: str
    title: str
    internship_type: str
    study_level: str
    duration_weeks: int
    start_date: date
    keywords: list[str]
    remuneration: Decimal | None
    places: int
    mission: str
    profile_sought: str
    published_days_ago: int
    targeting: tuple[str, list[int]] | None = None  # (kind, indexes), resolved once schools exist


class DemoBuilder:
    """Draws the plan of the demo content with `rng`, then writes it, reporting progress to `tick`."""

    def __init__(self, *, size: int = 1, password: str = DEFAULT_PASSWORD, seed: int = DEFAULT_SEED, tick=None):
        self.size = size
        self.password = password
        self.rng = random.Random(seed)
        self.tick: Callable[[int], None] = tick or (lambda n=1: None)
        self.emails: set[str] = set()
        self.people: list[Person] = []
        self.page_ids: list[int] = []

    # -- plan ----------------------------------------------------------------------------------------------------------

    def _person(self, domain: str, *, email: str | None = None, name: tuple[str, str, str] | None = None) -> Person:
        if name is None:
            first, civility = self.rng.choice(FIRST_NAMES)
            last = self.rng.choice(LAST_NAMES)
        else:
            first, last, civility = name
        if email is None:
            base = f"{_ascii(first)}.{_ascii(last)}"
            email, n = f"{base}@{domain}", 1
            while email in self.emails:
                n += 1
                email = f"{base}{n}@{domain}"
        self.emails.add(email)
        person = Person(email=email, first_name=first, last_name=last, civility=civility)
        self.people.append(person)
        return person

    def _company_plans(self) -> list[CompanyPlan]:
        rng = self.rng
        companies: list[CompanyPlan] = []
        names: set[str] = set()
        countries, weights = list(COUNTRY_WEIGHTS), list(COUNTRY_WEIGHTS.values())
        for number in range(1, 30 * self.size + 1):
            if number == 1:  # the demo company: Belgian, IT, attached to the first hub
                root, country, sector, (city, postcode) = "Corvane", "BE", "62", ("Liège", "4000")
                word, legal = "Informatique", "SRL"
            else:
                country = rng.choices(countries, weights)[0]
                sector = rng.choice(list(SECTORS))
                city, postcode = rng.choice(CITIES[country])
                legal = rng.choice(LEGAL_FORMS[country])
                for _attempt in range(50):
                    root, word = rng.choice(COMPANY_ROOTS), rng.choice(SECTORS[sector]["words"])
                    if f"{root} {word}" not in names:
                        break
                else:
                    word = f"{word} {city}"
            short = f"{root} {word}"
            if short in names:
                short = f"{short} {number}"
            names.add(short)
            profile = SECTORS[sector]
            slug = slugify(short)
            domain = f"{slug}.example"
            if number == 1:
                admin = self._person(domain, email=COMPANY_ADMIN_EMAIL, name=("Hélène", "Collignon", "ms"))
            else:
                admin = self._person(domain)
            plan = CompanyPlan(
                title=f"{short} {legal}",
                slug=slug,
                country=country,
                city=city,
                postcode=postcode,
                sector=sector,
                keywords=rng.sample(profile["keywords"], rng.randint(3, 5)),
                activity=rng.choice(profile["activities"]),
                admin=admin,
            )
            for index in range(rng.randint(1, 3)):
                if number == 1 and index == 0:
                    person = self._person(domain, email=COMPANY_CONTACT_EMAIL, name=("Thomas", "Wauters", "mr"))
                    plan.contacts.append((person, True))
                else:
                    plan.contacts.append((self._person(domain), rng.random() < (0.6 if index == 0 else 0.3)))
            companies.append(plan)
        return companies

    def _offer_plans(self, companies: list[CompanyPlan]) -> list[OfferPlan]:
        rng = self.rng
        total = 200 * self.size
        statuses: list[str] = []
        for status, share in STATUS_SHARES.items():
            statuses += [status] * max(1, round(total * share))
        statuses += [OfferStatus.PUBLISHED] * (total - len(statuses))
        rng.shuffle(statuses)
        # The first company shows one offer of each status to the demo accounts.
        for status in OfferStatus.values:
            statuses.remove(status)
        statuses = list(OfferStatus.values) + statuses
        with_secondary_authors = [company for company in companies if company.secondary_authors()]
        offers = []
        for index, status in enumerate(statuses):
            if index < len(OfferStatus.values):
                company = companies[0]
            elif status == OfferStatus.AWAITING_COMPANY_VALIDATION:
                company = rng.choice(with_secondary_authors)
            else:
                company = rng.choice(companies)
            if status == OfferStatus.AWAITING_COMPANY_VALIDATION:  # a secondary contact's offer awaits the admin
                author = rng.choice(company.secondary_authors())
            elif status == OfferStatus.DRAFT and company is companies[0]:
                author = company.contacts[0][0]
            else:
                author = rng.choice(company.authors())
            offers.append(self._offer_plan(company, author, status))
        published = [offer for offer in offers if offer.status == OfferStatus.PUBLISHED]
        for offer in rng.sample(published, max(1, round(len(published) * TARGETED_SHARE))):
            kind = rng.choice(["countries", "organisations", "programmes"])
            if kind == "countries":
                offer.targeting = (kind, sorted(rng.sample(range(len(COUNTRY_WEIGHTS)), rng.randint(1, 2))))
            elif kind == "organisations":
                offer.targeting = (kind, sorted(rng.sample(range(len(SCHOOLS)), rng.randint(1, 2))))
            else:
                offer.targeting = (kind, [rng.randrange(1000) for _ in range(rng.randint(1, 2))])
        return offers

    def _offer_plan(self, company: CompanyPlan, author: Person, status: str) -> OfferPlan:
        rng = self.rng
        profile = SECTORS[company.sector]
        title = rng.choice(profile["titles"])
        level = rng.choices(list(LEVEL_WEIGHTS), list(LEVEL_WEIGHTS.values()))[0]
        keywords = rng.sample(profile["keywords"], rng.randint(2, 4))
        tasks = rng.sample(profile["tasks"], 3)
        mission = (
            f"Au sein de {company.title}, qui {company.activity}, vous rejoindrez l'équipe {profile['team']} "
            f"à {company.city}. Vos missions :\n"
            + "".join(f"- {task} ;\n" for task in tasks[:-1])
            + f"- {tasks[-1]}.\n"
            + "Vous serez accompagné·e par un tuteur ou une tutrice tout au long du stage."
        )
        profile_sought = (
            f"{LEVEL_PROFILE[level]}. Connaissances appréciées : {', '.join(keywords)}. {rng.choice(SOFT_SKILLS)}"
        )
        remuneration = None
        if rng.random() >= 0.2:
            remuneration = Decimal(rng.randrange(300 if company.country == "TN" else 500, 1500, 50)).quantize(
                Decimal("0.01")
            )
        return OfferPlan(
            company=company,
            author=author,
            status=status,
            title=title,
            internship_type=rng.choices(list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values()))[0],
            study_level=level,
            duration_weeks=rng.randint(4, 26),
            start_date=date(2027, 1, 4) + timedelta(days=rng.randint(0, 300)),
            keywords=keywords,
            remuneration=remuneration,
            places=rng.randint(1, 3),
            mission=mission,
            profile_sought=profile_sought,
            published_days_ago=rng.randint(1, 120),
        )

    def plan(self) -> None:
        self.editor = self._person("demo.example", email=EDITOR_EMAIL, name=("Éloïse", "Martin", "ms"))
        self.editor.is_staff = self.editor.is_superuser = True
        self.moderators = [self._person("demo.example", email=MODERATOR_EMAIL, name=("Karim", "Mansouri", "mr"))]
        self.moderators += [self._person(f"{hub['slug']}.example") for hub in HUBS[1:]]
        self.tutor = self._person("demo.example", email=TUTOR_EMAIL, name=("Anne", "Lemaire", "ms"))
        self.programme_counts = [self.rng.randint(3, 5) for _school in SCHOOLS]
        self.companies = self._company_plans()
        self.offers = self._offer_plans(self.companies)
        self.application_count = APPLICATIONS_PER_SIZE * self.size + len(DEMO_STUDENT_APPLICATIONS)
        self.student_plans: list[tuple[Person, int, int]] = []  # (person, school index, programme index)
        first = self._person("demo.example", email=STUDENT_EMAIL, name=("Inès", "Ben Amor", "ms"))
        self.student_plans.append((first, 0, 0))
        for _n in range(100 * self.size):
            school = self.rng.randrange(len(SCHOOLS))
            person = self._person(f"etu.{SCHOOLS[school]['domain']}")
            self.student_plans.append((person, school, self.rng.randrange(self.programme_counts[school])))

    @property
    def total_steps(self) -> int:
        """The units of progress: each page, user, membership and student written."""
        pages = len(HUBS) + len(SCHOOLS) + len(self.companies) + len(self.offers) + len(GUIDES)
        memberships = sum(1 + len(company.contacts) for company in self.companies)
        return pages + len(self.people) + memberships + len(self.student_plans) + self.application_count

    # -- writing -------------------------------------------------------------------------------------------------------

    def build(self) -> None:
        """Plan and write everything."""
        self.plan()
        self.write()

    def write(self) -> None:
        """Write the plan drawn by `plan`."""
        self.ensure_tree()
        self.create_hubs()
        self.create_schools()
        self.create_companies()
        self.create_users()
        self.create_roles()
        self.create_offers()
        self.create_students()
        self.create_guides()
        self.pin_publication_dates()
        self.create_applications()

    def ensure_tree(self) -> None:
        """The home page and its three indexes; a migrated database already has them."""
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node()
            home = HomePage(
                title="Portail des stages",
                slug="accueil",
                intro="<p>Offres de stage modérées, candidatures suivies, stages labellisés.</p>",
            )
            root.add_child(instance=home)
            home.save_revision(clean=False).publish()
            site = Site.objects.filter(is_default_site=True).first()
            if site is None:
                Site.objects.create(
                    hostname="localhost",
                    port=80,
                    root_page=home,
                    is_default_site=True,
                    site_name=settings.WAGTAIL_SITE_NAME,
                )
            else:
                site.root_page = home
                site.save(update_fields=["root_page"])
        indexes = {}
        for model, title, slug in [
            (OrganisationIndexPage, "Organisations", "organisations"),
            (OfferIndexPage, "Offres de stage", "offres"),
            (GuideIndexPage, "Guides", "guides"),
        ]:
            index = model.objects.first()
            if index is None:
                index = model(title=title, slug=slug)
                home.add_child(instance=index)
                index.save_revision(clean=False).publish()
            indexes[model] = index
        self.organisation_index = indexes[OrganisationIndexPage]
        self.guide_index = indexes[GuideIndexPage]
        self.locale = self.organisation_index.locale

    def _published_at(self, days_ago: int) -> datetime:
        return REFERENCE_DATETIME - timedelta(days=days_ago)

    def _add_organisation(self, page: OrganisationPage, keywords: list[str]) -> OrganisationPage:
        page.locale = self.locale
        page.first_published_at = self._published_at(self.rng.randint(150, 400))
        page.keywords.set(keywords)
        self.organisation_index.add_child(instance=page)
        page.save_revision(clean=False).publish()
        self.page_ids.append(page.pk)
        self.tick(1)
        return page

    def create_hubs(self) -> None:
        self.hubs = []
        for hub in HUBS:
            page = OrganisationPage(
                title=hub["title"],
                slug=hub["slug"],
                kind=OrganisationKind.HUB,
                description=hub["description"],
                website=f"https://{hub['slug']}.example",
                email=f"contact@{hub['slug']}.example",
                city=hub["city"],
                postcode=hub["postcode"],
                country_id=hub["country"],
            )
            self.hubs.append(self._add_organisation(page, hub["keywords"]))

    def create_schools(self) -> None:
        self.schools = []
        self.programmes: list[list[Programme]] = []
        for school, count in zip(SCHOOLS, self.programme_counts, strict=True):
            page = OrganisationPage(
                title=school["title"],
                slug=school["slug"],
                kind=OrganisationKind.SCHOOL,
                description=school["description"],
                website=f"https://www.{school['domain']}",
                email=f"stages@{school['domain']}",
                city=school["city"],
                postcode=school["postcode"],
                country_id=school["country"],
                programmes=[
                    Programme(name=name, level=level, year=year, sort_order=position)
                    for position, (name, level, year) in enumerate(school["programmes"][:count])
                ],
            )
            self._add_organisation(page, [])
            self.schools.append(page)
            self.programmes.append(list(page.programmes.order_by("sort_order")))

    def _registration_number(self, country: str) -> str:
        rng = self.rng
        if country == "BE":
            return f"0{rng.randint(200, 999)}.{rng.randint(0, 999):03d}.{rng.randint(0, 999):03d}"
        if country == "FR":
            return str(rng.randint(300_000_000, 999_999_999))
        if country == "TN":
            return f"{rng.randint(1_000_000, 1_999_999)}{rng.choice('ABCDEFGHJKLMNPQRSTVWXYZ')}"
        return f"B{rng.randint(100_000, 299_999)}"

    def create_companies(self) -> None:
        rng = self.rng
        for plan in self.companies:
            profile = SECTORS[plan.sector]
            description = (
                f"<p>{plan.title} {plan.activity}. Implantée à {plan.city}, l'entreprise réunit "
                f"{rng.randint(8, 250)} collaborateurs.</p>"
                f"<p>Nous accueillons chaque année des stagiaires dans l'équipe {profile['team']} : "
                f"{', '.join(plan.keywords[:3])}.</p>"
            )
            page = OrganisationPage(
                title=plan.title,
                slug=plan.slug,
                kind=OrganisationKind.COMPANY,
                registration_number=self._registration_number(plan.country),
                description=description,
                website=f"https://www.{plan.slug}.example",
                email=f"contact@{plan.slug}.example",
                phone=f"{PHONE_PREFIX[plan.country]}{rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                address=f"{rng.randint(1, 180)} {rng.choice(STREETS[plan.country])}",
                postcode=plan.postcode,
                city=plan.city,
                country_id=plan.country,
                sector_id=plan.sector,
                reference_hub=self.hubs[HUB_OF_COUNTRY[plan.country]],
            )
            plan.page = self._add_organisation(page, plan.keywords)

    def create_users(self) -> None:
        """Every person of the plan in one insert, sharing one password hash."""
        hashed = make_password(self.password)
        users = []
        for number, person in enumerate(self.people):
            joined = REFERENCE_DATETIME - timedelta(days=200, minutes=number)
            person.user = User(
                email=person.email.lower(),
                first_name=person.first_name,
                last_name=person.last_name,
                civility=person.civility,
                language="fr",
                password=hashed,
                is_staff=person.is_staff,
                is_superuser=person.is_superuser,
                is_active=True,
                date_joined=joined,
            )
            users.append(person.user)
        User.objects.bulk_create(users, batch_size=500)
        self.tick(len(users))

    def create_roles(self) -> None:
        memberships = []
        for plan in self.companies:
            memberships.append(Membership(user=plan.admin.user, organisation=plan.page, role=Membership.Role.ADMIN))
            memberships += [
                Membership(
                    user=person.user,
                    organisation=plan.page,
                    role=Membership.Role.SECONDARY,
                    can_create_offers=can_create,
                )
                for person, can_create in plan.contacts
            ]
        Membership.objects.bulk_create(memberships, batch_size=500)
        for membership in memberships:
            permissions.sync_membership(membership)
            self.tick(1)
        TermsAcceptance.objects.bulk_create(
            TermsAcceptance(accepted_by=plan.admin.user, organisation=plan.page, version=settings.TERMS_VERSION)
            for plan in self.companies
        )
        for person, hub in zip(self.moderators, self.hubs, strict=True):
            permissions.grant_hub_moderation(HubModerator.objects.create(user=person.user, hub=hub))
        for role in (SchoolStaff.Role.ACADEMIC_TUTOR, SchoolStaff.Role.PROGRAMME_HEAD):
            staff = SchoolStaff.objects.create(user=self.tutor.user, school=self.schools[0], programme=None, role=role)
            permissions.grant_school_staff(staff)

    def create_offers(self) -> None:
        countries = [Country.objects.get(pk=code) for code in COUNTRY_WEIGHTS]
        all_programmes = [programme for programmes in self.programmes for programme in programmes]
        campaign, _created = Campaign.objects.get_or_create(
            name=DEMO_CAMPAIGN, defaults={"starts_on": date(2026, 9, 1), "ends_on": date(2027, 6, 30)}
        )
        slugs: dict[int, set[str]] = {}
        for plan in self.offers:
            company = plan.company.page
            taken = slugs.setdefault(company.pk, set())
            slug, n = slugify(plan.title), 1
            while slug in taken:
                n += 1
                slug = f"{slugify(plan.title)}-{n}"
            taken.add(slug)
            live = plan.status == OfferStatus.PUBLISHED
            offer = OfferPage(
                title=plan.title,
                slug=slug,
                locale=self.locale,
                owner=plan.author.user,
                live=live,
                company=company,
                author=plan.author.user,
                internship_type=plan.internship_type,
                mission=plan.mission,
                profile_sought=plan.profile_sought,
                study_level=plan.study_level,
                duration_weeks=plan.duration_weeks,
                start_date=plan.start_date,
                end_date=plan.start_date + timedelta(weeks=plan.duration_weeks) - timedelta(days=1),
                city=plan.company.city,
                country_id=plan.company.country,
                sector_id=plan.company.sector,
                remuneration=plan.remuneration,
                places=plan.places,
                status=plan.status,
                campaign=campaign,
            )
            if plan.status in ONCE_PUBLISHED:
                offer.first_published_at = self._published_at(plan.published_days_ago)
            offer.keywords.set(plan.keywords)
            if plan.targeting:
                kind, picks = plan.targeting
                if kind == "countries":
                    offer.target_countries.set([countries[i] for i in picks])
                elif kind == "organisations":
                    offer.target_organisations.set([self.schools[i] for i in picks])
                else:
                    chosen = {all_programmes[i % len(all_programmes)].pk for i in picks}
                    offer.target_programmes.set([p for p in all_programmes if p.pk in chosen])
            awaiting = plan.status in AWAITING_VALIDATION
            if awaiting:
                offer.status = OfferStatus.DRAFT  # the moderation workflow sets the awaiting status
            company.add_child(instance=offer)
            revision = offer.save_revision(user=plan.author.user, clean=False)
            if live:
                revision.publish(user=plan.author.user, skip_permission_checks=True)
            permissions.grant_offer_author(plan.author.user, offer)
            if awaiting:
                # Through the real workflow, so that the demo approvers can act on it; no mail for demo data.
                with without_notifications():
                    offer_services.submit_offer(offer, by=plan.author.user)
            self.page_ids.append(offer.pk)
            self.tick(1)

    def create_students(self) -> None:
        students = []
        for number, (person, school_index, programme_index) in enumerate(self.student_plans):
            programme = self.programmes[school_index][programme_index]
            students.append(
                Student(
                    user=person.user,
                    school=self.schools[school_index],
                    programme=programme,
                    study_level=programme.level,
                    email_confirmed_at=REFERENCE_DATETIME - timedelta(days=30, minutes=number),
                )
            )
        Student.objects.bulk_create(students, batch_size=500)
        TermsAcceptance.objects.bulk_create(
            (TermsAcceptance(accepted_by=student.user, version=settings.TERMS_VERSION) for student in students),
            batch_size=500,
        )
        self.tick(len(students))

    def create_applications(self) -> None:
        """Students apply through the real services, and the company side reads and answers some; no mail goes out."""
        from django.core.files.uploadedfile import SimpleUploadedFile

        from portal.demo.documents import pdf_bytes
        from portal.recruitment import services as recruitment

        def documents(person: Person) -> dict:
            name = f"{_ascii(person.last_name)}_{_ascii(person.first_name)}"
            return {
                "cv": SimpleUploadedFile(f"cv_{name}.pdf", pdf_bytes(f"CV - {person.first_name} {person.last_name}")),
                "motivation_letter": SimpleUploadedFile(
                    f"lettre_motivation_{name}.pdf", pdf_bytes(f"Lettre de motivation - {person.last_name}")
                ),
            }

        def answer(application, status: str, acting: User) -> None:
            if status != "pending":
                recruitment.open_application(application, by=acting)
            if status == "interview":
                recruitment.change_status(application, "interview", by=acting, comment="Rendez-vous à convenir.")
            elif status == "cancelled":
                recruitment.withdraw(application, by=application.student)

        company = self.companies[0]
        first_offer = OfferPage.objects.filter(company=company.page, status=OfferStatus.PUBLISHED).first()
        open_offers = list(OfferPage.objects.live().untargeted().select_related("company").order_by("pk"))
        statuses, weights = list(APPLICATION_STATUS_SHARES), list(APPLICATION_STATUS_SHARES.values())
        student, *others = [person for person, _school, _programme in self.student_plans]
        taken: set[tuple[int, int]] = set()
        with without_notifications():
            application = recruitment.apply(
                student.user, offer=first_offer, message=APPLICATION_MESSAGES[0], **documents(student)
            )
            answer(application, DEMO_STUDENT_APPLICATIONS[0], first_offer.author or company.admin.user)
            recruitment.apply(student.user, company=company.page, message=APPLICATION_MESSAGES[1], **documents(student))
            self.tick(len(DEMO_STUDENT_APPLICATIONS))
            for _number in range(APPLICATIONS_PER_SIZE * self.size):
                person, offer = self.rng.choice(others), self.rng.choice(open_offers)
                if (person.user.pk, offer.pk) in taken:
                    self.tick(1)
                    continue
                taken.add((person.user.pk, offer.pk))
                application = recruitment.apply(
                    person.user, offer=offer, message=self.rng.choice(APPLICATION_MESSAGES), **documents(person)
                )
                acting = offer.author or User.objects.filter(memberships__organisation=offer.company).first()
                answer(application, self.rng.choices(statuses, weights)[0], acting)
                self.tick(1)

    def create_guides(self) -> None:
        existing = set(GuidePage.objects.child_of(self.guide_index).values_list("slug", flat=True))
        for number, guide in enumerate(GUIDES):
            if guide["slug"] not in existing:
                page = GuidePage(
                    title=guide["title"],
                    slug=guide["slug"],
                    locale=self.locale,
                    audience=guide["audience"],
                    intro=guide["intro"],
                    body=[{"type": kind, "value": value} for kind, value in guide["body"]],
                    first_published_at=self._published_at(60 + number),
                )
                self.guide_index.add_child(instance=page)
                page.save_revision(user=self.editor.user, clean=False).publish(
                    user=self.editor.user, skip_permission_checks=True
                )
                self.page_ids.append(page.pk)
            self.tick(1)

    def pin_publication_dates(self) -> None:
        """Publication stamps the pages with the current time; give them the fixed dates of the plan instead."""
        Page.objects.filter(pk__in=self.page_ids, first_published_at__isnull=False).update(
            last_published_at=F("first_published_at"), latest_revision_created_at=F("first_published_at")
        )
