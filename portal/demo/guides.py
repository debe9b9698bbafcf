"""Contenu des guides d'utilisation publiés sur le portail des stages.

``GUIDES`` contient six guides, deux par public (entreprises, étudiants,
établissements de formation). Chaque guide est un dictionnaire :

    {"slug": ..., "audience": "company" | "student" | "school",
     "title": ..., "intro": ..., "body": [blocs]}

et chaque bloc du corps est un tuple de données StreamField :

    ("heading", "titre de section")
    ("paragraph", "<p>texte riche</p>")
    ("steps", [{"title": "...", "text": "..."}, ...])
"""

GUIDES = [
    # ------------------------------------------------------------------
    # Entreprises
    # ------------------------------------------------------------------
    {
        "slug": "inscrire-votre-entreprise",
        "audience": "company",
        "title": "Inscrire votre entreprise",
        "intro": (
            "L'inscription de votre entreprise se fait en quatre étapes et désigne son administrateur. "
            "Une fois inscrite, votre entreprise peut publier des offres de stage et consulter le CV-book."
        ),
        "body": [
            ("heading", "Les quatre étapes de l'inscription"),
            (
                "steps",
                [
                    {
                        "title": "Identité",
                        "text": (
                            "Renseignez l'identité de l'entreprise et vos coordonnées. La personne qui "
                            "inscrit l'entreprise en devient l'administrateur."
                        ),
                    },
                    {
                        "title": "Contacts secondaires",
                        "text": (
                            "Ajoutez les collègues qui suivront les stages avec vous et indiquez, pour "
                            "chacun, s'il peut créer des offres. Cette étape peut être complétée plus tard."
                        ),
                    },
                    {
                        "title": "Activité",
                        "text": (
                            "Choisissez votre secteur, ajoutez des mots-clés, rédigez une description de "
                            "l'entreprise et indiquez votre site web : ce sont ces informations que "
                            "verront les étudiants."
                        ),
                    },
                    {
                        "title": "Conditions d'utilisation",
                        "text": (
                            "Lisez et acceptez les conditions d'utilisation du portail pour finaliser l'inscription."
                        ),
                    },
                ],
            ),
            ("heading", "Le rôle de l'administrateur"),
            (
                "paragraph",
                (
                    "<p>L'administrateur est le référent de l'entreprise sur le portail. Il :</p>"
                    "<ul>"
                    "<li>ajoute, modifie ou retire les <b>contacts secondaires</b> ;</li>"
                    "<li>décide, pour chaque contact secondaire, s'il a le droit de "
                    "<b>créer des offres</b> ;</li>"
                    "<li><b>valide les offres</b> rédigées par les contacts secondaires avant qu'elles "
                    "partent en validation auprès du pôle de référence.</li>"
                    "</ul>"
                ),
            ),
            ("heading", "Bien présenter votre activité"),
            (
                "paragraph",
                (
                    "<p>Les étudiants choisissent aussi une entreprise pour son activité. Une description "
                    "claire, des <b>mots-clés</b> précis (métiers, technologies, domaines) et un lien vers "
                    "votre <b>site web</b> rendent vos offres plus faciles à trouver et plus attractives.</p>"
                    "<p>Pensez à tenir la liste de vos contacts secondaires à jour lorsqu'un collègue change "
                    "de poste ou quitte l'entreprise.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "creer-et-faire-valider-une-offre",
        "audience": "company",
        "title": "Créer et faire valider une offre",
        "intro": (
            "Toute offre est validée par le pôle de référence de votre entreprise avant d'être publiée. "
            "Ce guide présente ce circuit, la page « Gérer mes offres » de votre espace entreprise et le suivi "
            "des candidatures."
        ),
        "body": [
            ("heading", "Le circuit de validation d'une offre"),
            (
                "steps",
                [
                    {
                        "title": "Rédiger l'offre",
                        "text": (
                            "L'administrateur ou un contact secondaire autorisé à créer des offres "
                            "décrit la mission, le type de stage, le niveau d'études attendu et le lieu."
                        ),
                    },
                    {
                        "title": "Validation par l'administrateur",
                        "text": (
                            "Une offre rédigée par un contact secondaire doit d'abord être validée par "
                            "l'administrateur de l'entreprise, qui la retrouve dans l'onglet "
                            "« Offres à valider »."
                        ),
                    },
                    {
                        "title": "Validation par le pôle de référence",
                        "text": (
                            "Le pôle de référence de votre entreprise vérifie ensuite l'offre. Aucune "
                            "offre n'est publiée sans cette validation."
                        ),
                    },
                    {
                        "title": "Publication",
                        "text": (
                            "Une fois validée, l'offre est visible des étudiants et apparaît dans "
                            "l'onglet « Offres en cours »."
                        ),
                    },
                ],
            ),
            ("heading", "Votre espace entreprise"),
            (
                "paragraph",
                (
                    "<p>La page « Gérer mes offres » présente vos offres en onglets, chacun avec son nombre "
                    "d'éléments :</p>"
                    "<ul>"
                    "<li><b>Offres à valider</b> : vos brouillons et les offres qui attendent la validation "
                    "de l'administrateur ou du pôle de référence ;</li>"
                    "<li><b>Offres en cours</b> : les offres publiées, dépubliées ou pourvues, avec le nombre "
                    "de candidatures reçues ;</li>"
                    "<li><b>Candidatures spontanées</b> : les candidatures reçues en dehors de toute offre, "
                    "visibles des personnes qui les reçoivent (l'administrateur) ;</li>"
                    "<li><b>Offres archivées</b> : les offres annulées ou archivées.</li>"
                    "</ul>"
                    "<p>Chaque offre y est présentée avec son numéro, sa date de publication (ou de création), "
                    "son intitulé, son pays, sa ville, son type (offre ciblée ou ouverte), ses candidatures, "
                    "son statut, ses visites et son auteur ; chacune de ces colonnes peut servir de filtre. "
                    "Les contacts secondaires y voient leurs propres offres et les offres publiées par leurs "
                    "collègues.</p>"
                    "<p>Sur chaque offre, vous pouvez :</p>"
                    "<ul>"
                    "<li><b>annuler</b> : clôturer l'offre sans avoir retenu de candidat ;</li>"
                    "<li><b>renouveler</b> ou <b>éditer</b> : remettre l'offre en ligne ou en corriger le "
                    "contenu ;</li>"
                    "<li><b>dupliquer</b> : partir d'une offre existante pour en créer une nouvelle ;</li>"
                    "<li><b>dépublier</b> : retirer l'offre de la vue des étudiants ;</li>"
                    "<li><b>pourvue</b> : indiquer que le stage a trouvé son stagiaire.</li>"
                    "</ul>"
                ),
            ),
            ("heading", "Suivre les candidatures"),
            (
                "paragraph",
                (
                    "<p>Cliquez sur le nombre de candidatures d'une offre pour les consulter. Chaque "
                    "candidature a un statut, que l'étudiant suit depuis son propre espace :</p>"
                    "<ul>"
                    "<li><b>En cours</b> : aucune action n'a encore été posée ;</li>"
                    "<li><b>Lue</b> : la candidature a été consultée par l'entreprise ;</li>"
                    "<li><b>Rendez-vous</b> : un entretien est proposé au candidat ;</li>"
                    "<li><b>Satisfaite</b> : le candidat fera son stage dans votre entreprise ;</li>"
                    "<li><b>Annulée</b> : le candidat, son établissement ou vous avez clôturé la "
                    "candidature.</li>"
                    "</ul>"
                    "<p>Tenez ces statuts à jour : une réponse, même négative, est toujours appréciée. "
                    "À la fin de la campagne, vous pouvez <b>renouveler</b> vos offres pour la campagne "
                    "suivante au lieu de les ressaisir.</p>"
                ),
            ),
            ("heading", "Chercher des profils dans le CV-book"),
            (
                "paragraph",
                (
                    "<p>Le CV-book rassemble les profils des étudiants qui ont choisi de les rendre "
                    "visibles. Affinez votre recherche par <b>secteur</b>, <b>pays</b> et <b>niveau</b> "
                    "d'études, puis consultez les profils qui correspondent à vos besoins.</p>"
                ),
            ),
        ],
    },
    # ------------------------------------------------------------------
    # Étudiants
    # ------------------------------------------------------------------
    {
        "slug": "trouver-et-postuler-a-une-offre",
        "audience": "student",
        "title": "Trouver et postuler à une offre",
        "intro": (
            "Recherchez les offres qui vous correspondent, postulez en ligne avec votre CV et votre lettre "
            "de motivation, puis suivez le statut de chacune de vos candidatures."
        ),
        "body": [
            ("heading", "Rechercher une offre"),
            (
                "paragraph",
                (
                    "<p>Saisissez des <b>mots-clés</b> (métier, compétence, domaine), puis affinez les "
                    "résultats avec les filtres :</p>"
                    "<ul>"
                    "<li><b>secteur</b> d'activité ;</li>"
                    "<li><b>pays</b> et <b>ville</b> ;</li>"
                    "<li><b>type de stage</b> : découverte, insertion, aide à la maîtrise ou maîtrise ;</li>"
                    "<li><b>niveau d'études</b>.</li>"
                    "</ul>"
                ),
            ),
            ("heading", "Postuler en ligne"),
            (
                "steps",
                [
                    {
                        "title": "Lire l'offre en entier",
                        "text": (
                            "Vérifiez la mission, le type de stage, le niveau d'études demandé et le "
                            "lieu avant de postuler."
                        ),
                    },
                    {
                        "title": "Préparer vos documents",
                        "text": (
                            "Joignez votre CV et une lettre de motivation adaptée à l'offre, au format "
                            "PDF, DOCX ou ODT : 5 Mo maximum par fichier, 5 fichiers au plus."
                        ),
                    },
                    {
                        "title": "Envoyer la candidature",
                        "text": (
                            "Validez l'envoi : la candidature apparaît aussitôt dans votre espace avec "
                            "le statut « En cours »."
                        ),
                    },
                    {
                        "title": "Suivre la réponse",
                        "text": (
                            "Consultez régulièrement votre espace pour voir l'évolution du statut et "
                            "préparer un éventuel entretien."
                        ),
                    },
                ],
            ),
            ("heading", "Comprendre le statut de vos candidatures"),
            (
                "paragraph",
                (
                    "<ul>"
                    "<li><b>En cours</b> : l'entreprise n'a pas encore consulté votre candidature ;</li>"
                    "<li><b>Lue</b> : l'entreprise a consulté votre candidature ;</li>"
                    "<li><b>Rendez-vous</b> : l'entreprise vous propose un entretien ;</li>"
                    "<li><b>Satisfaite</b> : vous êtes retenu pour le stage ;</li>"
                    "<li><b>Annulée</b> : la candidature est close, par vous, votre établissement ou "
                    "l'entreprise.</li>"
                    "</ul>"
                ),
            ),
            ("heading", "La candidature spontanée"),
            (
                "paragraph",
                (
                    "<p>Une entreprise vous intéresse mais n'a pas d'offre qui vous corresponde ? "
                    "Adressez-lui une <b>candidature spontanée</b>, avec votre CV et une lettre de "
                    "motivation dans les mêmes formats. Elle la reçoit dans son onglet "
                    "« Candidatures spontanées ».</p>"
                ),
            ),
        ],
    },
    {
        "slug": "tenir-son-profil-cv-book",
        "audience": "student",
        "title": "Tenir son profil CV-book",
        "intro": (
            "Le CV-book permet aux entreprises inscrites de vous trouver, même sans que vous ayez postulé. "
            "Vous décidez si votre profil est visible."
        ),
        "body": [
            (
                "paragraph",
                (
                    "<p>Les entreprises recherchent les profils du CV-book par <b>secteur</b>, <b>pays</b> "
                    "et <b>niveau</b> d'études. Seuls les profils que leurs titulaires ont rendus visibles "
                    "apparaissent dans ces recherches.</p>"
                ),
            ),
            ("heading", "Rendre votre profil visible"),
            (
                "steps",
                [
                    {
                        "title": "Compléter votre profil",
                        "text": (
                            "Indiquez votre niveau d'études, les secteurs qui vous intéressent et les "
                            "pays où vous souhaitez effectuer votre stage."
                        ),
                    },
                    {
                        "title": "Déposer votre CV",
                        "text": "Ajoutez un CV à jour au format PDF, DOCX ou ODT, de 5 Mo au plus.",
                    },
                    {
                        "title": "Activer la visibilité",
                        "text": (
                            "Rendez votre profil visible pour qu'il apparaisse dans les recherches des entreprises."
                        ),
                    },
                    {
                        "title": "Le tenir à jour",
                        "text": (
                            "Mettez à jour votre CV et vos souhaits dès qu'ils changent : nouveau niveau "
                            "d'études, nouvelle expérience, autre secteur visé."
                        ),
                    },
                ],
            ),
            ("heading", "Conseils pour un profil efficace"),
            (
                "paragraph",
                (
                    "<ul>"
                    "<li>Choisissez avec soin le <b>secteur</b>, le <b>pays</b> et le <b>niveau</b> : "
                    "ce sont les critères utilisés par les entreprises pour filtrer les profils.</li>"
                    "<li>Présentez en tête de CV le type de stage recherché et vos dates de "
                    "disponibilité.</li>"
                    "<li>Relisez votre CV : orthographe, coordonnées à jour, mise en page lisible.</li>"
                    "</ul>"
                ),
            ),
            ("heading", "Garder la main sur votre visibilité"),
            (
                "paragraph",
                (
                    "<p>Vous pouvez rendre votre profil invisible à tout moment, par exemple lorsque vous "
                    "avez trouvé votre stage : il n'apparaît alors plus dans les recherches des "
                    "entreprises.</p>"
                ),
            ),
        ],
    },
    # ------------------------------------------------------------------
    # Établissements de formation
    # ------------------------------------------------------------------
    {
        "slug": "suivre-ses-etudiants-et-decerner-le-label",
        "audience": "school",
        "title": "Suivre ses étudiants et décerner le label",
        "intro": (
            "Le portail permet à l'équipe pédagogique de suivre les candidatures et les stages de ses "
            "étudiants, et d'accompagner chaque stage dans la démarche du label qualité."
        ),
        "body": [
            ("heading", "Qui fait quoi dans votre établissement"),
            (
                "paragraph",
                (
                    "<ul>"
                    "<li><b>Le responsable de formation</b> suit l'ensemble des étudiants de sa formation ; "
                    "il est le seul à lire l'évaluation confidentielle rédigée par l'étudiant.</li>"
                    "<li><b>Le responsable d'année</b> suit les étudiants d'une année de la formation.</li>"
                    "<li><b>Le tuteur pédagogique</b> accompagne individuellement les étudiants qui lui sont "
                    "confiés, de la recherche de stage jusqu'à l'évaluation finale.</li>"
                    "</ul>"
                ),
            ),
            ("heading", "Suivre candidatures et stages"),
            (
                "paragraph",
                (
                    "<p>Pour chacun de vos étudiants, vous voyez les candidatures envoyées et leur statut "
                    "(<i>En cours</i>, <i>Lue</i>, <i>Rendez-vous</i>, <i>Satisfaite</i>, <i>Annulée</i>), "
                    "puis le stage une fois celui-ci trouvé. Vous repérez ainsi rapidement les étudiants "
                    "qui n'ont encore aucune piste et qui ont besoin d'un accompagnement.</p>"
                ),
            ),
            ("heading", "Le parcours du label qualité"),
            (
                "steps",
                [
                    {
                        "title": "Avant le stage",
                        "text": (
                            "Les étapes de préparation prévues par la formation sont à réaliser avant le "
                            "début du stage."
                        ),
                    },
                    {
                        "title": "Pendant le stage",
                        "text": (
                            "L'étudiant tient son journal de stage et les bilans intermédiaires sont "
                            "validés par le tuteur pédagogique et par le tuteur en entreprise."
                        ),
                    },
                    {
                        "title": "Après le stage",
                        "text": (
                            "Le tuteur en entreprise évalue le stagiaire et l'étudiant remplit son "
                            "évaluation confidentielle, lue par le seul responsable de formation."
                        ),
                    },
                    {
                        "title": "Note finale et attestation",
                        "text": (
                            "La note finale est saisie et, le parcours achevé, l'attestation de label "
                            "peut être délivrée."
                        ),
                    },
                ],
            ),
            (
                "paragraph",
                (
                    "<p>Les <b>étapes obligatoires</b> sont signalées comme telles dans le parcours : "
                    "vérifiez qu'elles sont toutes réalisées avant de délivrer l'attestation de label.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "journal-de-stage-et-bilans-intermediaires",
        "audience": "school",
        "title": "Le journal de stage et les bilans intermédiaires",
        "intro": (
            "Le journal de stage et les bilans intermédiaires permettent de suivre le stage pendant son "
            "déroulement ; les évaluations de fin de stage conduisent à la note finale."
        ),
        "body": [
            ("heading", "Le journal de stage"),
            (
                "paragraph",
                (
                    "<p>Le stagiaire consigne régulièrement dans son <b>journal de stage</b> les missions "
                    "réalisées, les difficultés rencontrées et les compétences acquises. Le tuteur "
                    "pédagogique le consulte pour suivre l'avancement du stage et réagir tôt en cas de "
                    "difficulté.</p>"
                ),
            ),
            ("heading", "Les bilans intermédiaires"),
            (
                "steps",
                [
                    {
                        "title": "Préparer le bilan",
                        "text": (
                            "Le bilan intermédiaire fait le point sur le déroulement du stage, en "
                            "s'appuyant sur le journal de stage."
                        ),
                    },
                    {
                        "title": "Validation par les deux tuteurs",
                        "text": (
                            "Le tuteur pédagogique et le tuteur en entreprise relisent chacun le bilan et le valident."
                        ),
                    },
                    {
                        "title": "Bilan validé",
                        "text": (
                            "Un bilan n'est validé qu'une fois approuvé par les deux tuteurs ; il "
                            "reste ensuite consultable dans le suivi du stage."
                        ),
                    },
                ],
            ),
            ("heading", "Les évaluations de fin de stage"),
            (
                "paragraph",
                (
                    "<ul>"
                    "<li><b>L'évaluation du tuteur en entreprise</b> porte sur le travail et le comportement "
                    "du stagiaire.</li>"
                    "<li><b>L'évaluation de l'étudiant</b> porte sur son stage et son accueil ; elle est "
                    "<i>confidentielle</i> et seul le responsable de formation peut la lire.</li>"
                    "<li><b>La note finale</b> conclut le stage.</li>"
                    "<li><b>L'attestation de label</b> vient couronner un stage dont le parcours du label "
                    "qualité est achevé.</li>"
                    "</ul>"
                ),
            ),
        ],
    },
]
