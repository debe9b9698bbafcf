"""The default configuration of the follow-up, used by every organisation and programme without its own.

The label's steps follow the dashboard of the SEMSEM-stages guide: steps 1 to 6 before the internship, 7 to
11 bis during it, the evaluations after it; the starred ones of the guide are mandatory. Editors change them,
the evaluation forms and the agreement's text in the Wagtail admin.
"""

import uuid

from django.db import migrations

# code, phase, mandatory, actor, event, due (anchor, days), French title, English title
STEPS = [
    ("1", "before", False, "student", "", ("start", -30),
     "Fiche de stage complétée par l'étudiant", "Internship sheet completed by the student"),
    ("2", "before", True, "academic_tutor", "", ("start", -21),
     "Sujet du stage validé par le tuteur académique", "Internship subject approved by the academic tutor"),
    ("3", "before", True, "programme_head", "agreement_signed", ("start", -14),
     "Convention de stage signée par les trois parties", "Internship agreement signed by the three parties"),
    ("4", "before", False, "company_tutor", "", ("start", -7),
     "Consignes d'accueil et de sécurité transmises", "Welcome and safety instructions sent"),
    ("5", "before", True, "company_tutor", "", ("start", 0),
     "Objectifs du stage fixés avec le stagiaire", "Internship objectives set with the intern"),
    ("6", "before", True, "programme_head", "", ("start", 0),
     "Assurance et pièces administratives vérifiées", "Insurance and administrative documents checked"),
    ("7", "during", False, "company_tutor", "", ("start", 7),
     "Arrivée du stagiaire confirmée", "Intern's arrival confirmed"),
    ("8", "during", False, "student", "first_journal_entry", ("start", 7),
     "Premier journal de stage rédigé", "First logbook entry written"),
    ("9", "during", False, "academic_tutor", "", ("", 0),
     "Visite ou entretien du tuteur académique", "Visit or interview by the academic tutor"),
    ("10", "during", True, "student", "review_written", ("", 0),
     "Bilan intermédiaire rédigé par l'étudiant", "Intermediate review written by the student"),
    ("11", "during", True, "company_tutor", "review_validated", ("", 0),
     "Bilan intermédiaire validé par les deux tuteurs", "Intermediate review validated by both tutors"),
    ("11bis", "during", True, "academic_tutor", "", ("", 0),
     "Point à mi-parcours entre les deux tuteurs", "Mid-term meeting of the two tutors"),
    ("12", "after", True, "company_tutor", "company_evaluation_sent", ("end", -7),
     "Évaluation du stagiaire par le tuteur en entreprise", "Evaluation of the intern by the company tutor"),
    ("13", "after", True, "programme_head", "grade_recorded", ("end", 30),
     "Note finale enregistrée par le responsable de filière", "Final grade recorded by the programme head"),
    ("14", "after", True, "student", "student_evaluation_sent", ("", 0),
     "Évaluation du stage par l'étudiant", "Evaluation of the internship by the student"),
]

COMPANY_FORM = [
    ("Résultats obtenus", "Results", [
        ("objectives", "Atteinte des objectifs fixés", "Objectives reached"),
        ("quality", "Qualité du travail rendu", "Quality of the work"),
        ("autonomy", "Autonomie et esprit d'initiative", "Autonomy and initiative"),
    ]),
    ("Comportement pendant le stage", "Behaviour during the internship", [
        ("integration", "Intégration dans l'équipe", "Integration in the team"),
        ("communication", "Communication orale et écrite", "Oral and written communication"),
        ("punctuality", "Assiduité et ponctualité", "Attendance and punctuality"),
    ]),
]

STUDENT_FORM = [
    ("Accueil et encadrement", "Welcome and supervision", [
        ("welcome", "Qualité de l'accueil dans l'organisme", "Welcome in the host organisation"),
        ("company_supervision", "Disponibilité du tuteur en entreprise", "Availability of the company tutor"),
        ("school_supervision", "Suivi par le tuteur académique", "Follow-up by the academic tutor"),
    ]),
    ("Contenu du stage", "Content of the internship", [
        ("mission_match", "Adéquation de la mission à la formation", "Match between the mission and the programme"),
        ("learning", "Compétences acquises", "Skills acquired"),
        ("conditions", "Conditions matérielles de travail", "Working conditions"),
    ]),
]

AGREEMENT_BODY = """## Article 1 – Les parties
La présente convention règle les rapports entre $company, représentée par son tuteur de stage $company_tutor, l'établissement $school, représenté par $programme_head, responsable de la filière $programme, et l'étudiant·e $student ($student_email).

## Article 2 – Objet du stage
Le stage « $title » a pour objet la mise en pratique des enseignements reçus. Mission confiée : $mission

## Article 3 – Dates
Le stage se déroule du $start_date au $end_date.

## Article 4 – Encadrement
Le stagiaire est suivi par $company_tutor pour l'organisme d'accueil et par $academic_tutor, tuteur académique, pour l'établissement. Les étapes du suivi qualité sont tenues sur le portail des stages.

## Article 5 – Évaluation
À la fin du stage, le tuteur en entreprise évalue le stagiaire ; cette évaluation est prise en compte dans la note finale attribuée par l'établissement.

## Article 6 – Avenants
Toute modification des dates, du tuteur ou de la mission fait l'objet d'un avenant approuvé par les trois parties."""


def _sections(sections):
    return [
        {
            "type": "section",
            "id": str(uuid.uuid4()),
            "value": {
                "title_fr": title_fr,
                "title_en": title_en,
                "criteria": [
                    {"type": "item", "id": str(uuid.uuid4()), "value": {"code": code, "label_fr": fr, "label_en": en}}
                    for code, fr, en in criteria
                ],
            },
        }
        for title_fr, title_en, criteria in sections
    ]


def install(apps, schema_editor):
    StepSet = apps.get_model("followup", "StepSet")
    StepDefinition = apps.get_model("followup", "StepDefinition")
    EvaluationForm = apps.get_model("followup", "EvaluationForm")
    AgreementTemplate = apps.get_model("followup", "AgreementTemplate")

    step_set = StepSet.objects.create(name="Label qualité – étapes par défaut")
    for position, (code, phase, mandatory, actor, event, (anchor, days), title_fr, title_en) in enumerate(STEPS):
        StepDefinition.objects.create(
            step_set=step_set,
            sort_order=position,
            code=code,
            phase=phase,
            mandatory=mandatory,
            actor=actor,
            event=event,
            due_anchor=anchor,
            due_offset_days=days,
            title_fr=title_fr,
            title_en=title_en,
        )
    EvaluationForm.objects.create(
        name="Évaluation du stagiaire par le tuteur en entreprise",
        audience="company",
        intro_fr="Notez chaque critère de 1 (insuffisant) à 5 (excellent).",
        intro_en="Grade each criterion from 1 (poor) to 5 (excellent).",
        sections=_sections(COMPANY_FORM),
    )
    EvaluationForm.objects.create(
        name="Évaluation du stage par l'étudiant",
        audience="student",
        intro_fr="Votre évaluation est confidentielle : seul le responsable de votre filière la lit.",
        intro_en="Your evaluation is confidential: only your programme head reads it.",
        sections=_sections(STUDENT_FORM),
    )
    AgreementTemplate.objects.create(name="Convention type", title="Convention de stage", body=AGREEMENT_BODY)


def uninstall(apps, schema_editor):
    for name in ("StepSet", "EvaluationForm", "AgreementTemplate"):
        apps.get_model("followup", name).objects.filter(school__isnull=True, programme__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("followup", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
