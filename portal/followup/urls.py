from django.urls import path

from portal.followup.views import internship, lists, parts, tutor_link

app_name = "followup"

urlpatterns = [
    # « Suivre mes stagiaires »
    path("", lists.dashboard, name="dashboard"),
    path("label/", lists.label, name="label"),
    path("conventions/", lists.agreements, name="agreements"),
    path("journaux/", lists.logbooks, name="logbooks"),
    path("bilans/", lists.reviews, name="reviews_list"),
    path("evaluations/", lists.evaluations, name="evaluations_list"),
    path("export.csv", lists.export, name="export"),
    path("demarrer/<id:application_id>/", lists.start, name="start"),
    path("enregistrer/", lists.record, name="record"),
    # one internship
    path("<id:internship_id>/", internship.detail, name="detail"),
    path("<id:internship_id>/accord/", internship.agree, name="agree"),
    path("<id:internship_id>/annulation/", internship.cancel, name="cancel"),
    path("<id:internship_id>/etapes/<slug:code>/", internship.validate_step, name="validate_step"),
    path("<id:internship_id>/label/", internship.award, name="award"),
    path("<id:internship_id>/certificat.pdf", internship.certificate, name="certificate"),
    path("<id:internship_id>/lien-tuteur/", internship.send_link, name="send_link"),
    path("<id:internship_id>/lien-tuteur/revocation/", internship.revoke_links, name="revoke_links"),
    # its agreement and amendments
    path("<id:internship_id>/convention/", parts.agreement, name="agreement"),
    path("<id:internship_id>/convention.pdf", parts.agreement_pdf, name="agreement_pdf"),
    path("<id:internship_id>/convention/signature/", parts.approve_agreement, name="approve_agreement"),
    path("<id:internship_id>/convention/annulation/", parts.undo_signature, name="undo_signature"),
    path("<id:internship_id>/convention/scans/<id:signature_id>/", parts.scan, name="scan"),
    path("<id:internship_id>/avenants/", parts.propose_amendment, name="propose_amendment"),
    path("<id:internship_id>/avenants/<id:amendment_id>.pdf", parts.amendment_pdf, name="amendment_pdf"),
    path("<id:internship_id>/avenants/<id:amendment_id>/signature/", parts.approve_amendment, name="approve_amendment"),
    path("<id:internship_id>/avenants/<id:amendment_id>/retrait/", parts.withdraw_amendment, name="withdraw_amendment"),
    # its logbook, reviews and evaluations
    path("<id:internship_id>/journal/", parts.journal, name="journal"),
    path("<id:internship_id>/journal/<id:entry_id>/commentaire/", parts.comment, name="comment"),
    path("<id:internship_id>/bilans/", parts.reviews, name="reviews"),
    path("<id:internship_id>/bilans/<id:review_id>/validation/", parts.validate_review, name="validate_review"),
    path("<id:internship_id>/evaluations/", parts.evaluations, name="evaluations"),
    path("<id:internship_id>/evaluations/entreprise/", parts.company_evaluation, name="company_evaluation"),
    path("<id:internship_id>/evaluations/etudiant/", parts.student_evaluation, name="student_evaluation"),
    path("<id:internship_id>/note/", parts.grade, name="grade"),
    # the company tutor's link (no account needed)
    path("lien/<str:token>/", tutor_link.page, name="link"),
    path("lien/<str:token>/etapes/<slug:code>/", tutor_link.validate_step, name="link_validate_step"),
    path("lien/<str:token>/bilans/<id:review_id>/", tutor_link.validate_review, name="link_validate_review"),
    path("lien/<str:token>/evaluation/", tutor_link.evaluate, name="link_evaluate"),
]
