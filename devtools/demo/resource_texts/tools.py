"""The management unit's training tools, for the whole network."""

from __future__ import annotations

from devtools.demo.resource_texts import DemoResource, K, Text

TOOLS = [
    DemoResource(
        K.TOOL,
        ("incident_response",),
        (3,),
        None,
        (
            Text(
                "en",
                "mu.officer",
                "Tabletop exercise: the first 72 hours after an attack",
                "A three-hour scenario exercise that lets a city's crisis team rehearse its response to an attack, "
                "from the first call to the first public gathering.",
                """## What it is for

A scenario in three injects that a city runs with its own services before it needs them. It tests who
speaks for the city, how services share what they know, and how affected communities are reached.

## How to run it

1. Invite the mayor's office, communications, social services, education, police liaison and two
   community partners.
2. Read each inject aloud, then give the group 40 minutes to decide and write down who does what.
3. Close with a debrief: what the city would do differently, and who will fix it by when.

## The three injects

- **Hour 1**: an attack near a market, rumours spreading online about who did it.
- **Day 1**: a vigil is planned; a group calls for a counter-gathering.
- **Day 3**: schools reopen and parents ask what the city is doing.

Facilitator notes and a debrief grid come with the exercise.
""",
            ),
            Text(
                "fr",
                "hub.central.officer",
                "Exercice sur table : les 72 premières heures après un attentat",
                "Un exercice de trois heures pour que la cellule de crise d'une ville répète sa réponse à un "
                "attentat, du premier appel au premier rassemblement public.",
                """## À quoi il sert

Un scénario en trois temps que la ville joue avec ses propres services avant d'en avoir besoin. Il vérifie
qui parle au nom de la ville, comment les services partagent ce qu'ils savent et comment joindre les
communautés touchées.

## Déroulement

1. Réunir le cabinet du maire, la communication, l'action sociale, l'éducation, la liaison avec la police
   et deux partenaires associatifs.
2. Lire chaque temps à voix haute, puis laisser 40 minutes au groupe pour décider et noter qui fait quoi.
3. Terminer par un retour d'expérience : ce que la ville ferait autrement, et qui s'en charge, pour quand.

## Les trois temps

- **Heure 1** : une attaque près d'un marché, des rumeurs en ligne sur ses auteurs.
- **Jour 1** : une veillée est prévue ; un groupe appelle à un contre-rassemblement.
- **Jour 3** : les écoles rouvrent et les parents demandent ce que fait la ville.

Les notes d'animation et une grille de retour d'expérience accompagnent l'exercice.
""",
            ),
            Text(
                "ar",
                "hub.mena.officer",
                "تمرين محاكاة: الساعات الاثنتان والسبعون الأولى بعد هجوم",
                "تمرين مدته ثلاث ساعات يتيح لخلية الأزمات في المدينة أن تتدرب على استجابتها لهجوم، من أول اتصال "
                "إلى أول تجمع عام.",
                """## الغاية منه

سيناريو من ثلاث مراحل تجريه المدينة مع مصالحها قبل أن تحتاج إليه. يختبر من يتحدث باسم المدينة، وكيف
تتبادل المصالح ما تعرفه، وكيف يتم الوصول إلى المجتمعات المتضررة.

## طريقة التنفيذ

1. دعوة مكتب رئيس البلدية والاتصال والخدمات الاجتماعية والتعليم ومنسق العلاقة مع الشرطة وشريكين من
   المجتمع المدني.
2. قراءة كل مرحلة بصوت عالٍ، ثم منح المجموعة أربعين دقيقة لتقرر وتدوّن من يفعل ماذا.
3. الختام بجلسة تقييم: ما الذي ستفعله المدينة بشكل مختلف، ومن سيتولى ذلك ومتى.

## المراحل الثلاث

- **الساعة الأولى**: هجوم قرب سوق، وشائعات على الإنترنت حول منفذيه.
- **اليوم الأول**: وقفة تضامنية مقررة، ومجموعة تدعو إلى تجمع مضاد.
- **اليوم الثالث**: تعود المدارس إلى العمل ويسأل الأهالي عما تفعله المدينة.

ترافق التمرينَ ملاحظاتٌ للميسّر وشبكة للتقييم.
""",
            ),
        ),
        age=690,
    ),
    DemoResource(
        K.TOOL,
        ("multi_agency",),
        (3,),
        None,
        (
            Text(
                "en",
                "mu.officer",
                "Mapping your city's prevention partners: a workshop kit",
                "A half-day workshop that helps a city see which services, groups and institutions already work "
                "on prevention, and where the gaps are.",
                """## Before the workshop

Ask each service to bring one person who knows its front line: schools, youth work, social services,
health, housing, libraries, sport. Add two or three community organisations.

## The map

1. On a wall, draw three rings: *the city's own services*, *partners the city funds or convenes*, and
   *others who meet the same people*.
2. Each participant places cards for the people and groups they work with, and draws lines where they
   already share information or refer people.
3. Circle the places with no lines: these are the gaps a prevention framework should close first.

## What comes out

- a one-page map the council can adopt as the start of its framework;
- three gaps, each with a service that will lead on closing it;
- a date for the first meeting of the partners.
""",
            ),
            Text(
                "fr",
                "hub.central.officer",
                "Cartographier les partenaires de prévention de la ville : kit d'atelier",
                "Un atelier d'une demi-journée pour voir quels services, associations et institutions travaillent "
                "déjà sur la prévention, et où sont les manques.",
                """## Avant l'atelier

Demander à chaque service de venir avec une personne qui connaît le terrain : écoles, jeunesse, action
sociale, santé, logement, bibliothèques, sport. Y ajouter deux ou trois associations.

## La carte

1. Au mur, tracer trois cercles : *les services de la ville*, *les partenaires que la ville finance ou
   réunit*, *les autres qui rencontrent les mêmes personnes*.
2. Chacun place des fiches pour les personnes et groupes avec qui il travaille, et trace un trait là où
   l'on partage déjà des informations ou oriente des personnes.
3. Entourer les zones sans trait : ce sont les manques qu'un dispositif de prévention doit combler d'abord.

## Ce qui en sort

- une carte d'une page que le conseil peut adopter comme point de départ ;
- trois manques, chacun confié à un service pilote ;
- une date pour la première réunion des partenaires.
""",
            ),
        ),
        age=610,
    ),
    DemoResource(
        K.TOOL,
        ("young_cities", "local_democracy"),
        (4,),
        None,
        (
            Text(
                "en",
                "mu.director",
                "Holding a youth hearing at the city council",
                "A step-by-step format for a public hearing where young residents question the mayor and council "
                "on what the city does for them, and get answers in writing.",
                """## Why a hearing

Young people are often consulted and rarely answered. A hearing puts their questions on the council's
agenda and obliges the city to reply.

## Steps

1. **Six weeks before**: youth organisations and schools collect questions; a group of young volunteers
   picks ten.
2. **Two weeks before**: the departments concerned prepare answers; the mayor agrees to attend.
3. **On the day**: young people chair the session, ask the questions and may ask one follow-up each.
4. **One month after**: the city publishes written answers and the commitments made.

## Tips from cities that did it

- Hold it in the council chamber, not a youth centre.
- Keep officials' answers to three minutes.
- Invite the young chairs back a year later to check the commitments.
""",
            ),
            Text(
                "fr",
                "hub.central.officer",
                "Organiser une audition des jeunes au conseil municipal",
                "Un format pas à pas pour une audition publique où les jeunes interrogent le maire et le conseil "
                "sur ce que la ville fait pour eux, avec des réponses écrites.",
                """## Pourquoi une audition

Les jeunes sont souvent consultés et rarement entendus. Une audition inscrit leurs questions à l'ordre du
jour du conseil et oblige la ville à y répondre.

## Étapes

1. **Six semaines avant** : associations de jeunesse et établissements scolaires recueillent les questions ;
   un groupe de jeunes volontaires en retient dix.
2. **Deux semaines avant** : les services concernés préparent les réponses ; le maire confirme sa présence.
3. **Le jour même** : des jeunes président la séance, posent les questions et peuvent relancer une fois.
4. **Un mois après** : la ville publie les réponses écrites et les engagements pris.

## Conseils des villes qui l'ont fait

- Tenir la séance dans la salle du conseil, pas dans une maison des jeunes.
- Limiter les réponses des élus à trois minutes.
- Réinviter les jeunes présidents un an plus tard pour vérifier les engagements.
""",
            ),
            Text(
                "ar",
                "hub.mena",
                "تنظيم جلسة استماع للشباب في المجلس البلدي",
                "صيغة عملية خطوة بخطوة لجلسة علنية يطرح فيها الشباب أسئلتهم على رئيس البلدية والمجلس حول ما تقدمه "
                "المدينة لهم، ويتلقون أجوبة مكتوبة.",
                """## لماذا جلسة استماع

كثيرًا ما يُستشار الشباب ونادرًا ما يتلقون جوابًا. تضع جلسة الاستماع أسئلتهم على جدول أعمال المجلس وتُلزم
المدينة بالرد.

## الخطوات

1. **قبل ستة أسابيع**: تجمع جمعيات الشباب والمدارس الأسئلة، وتختار مجموعة من المتطوعين الشباب عشرة منها.
2. **قبل أسبوعين**: تُعدّ المصالح المعنية الأجوبة، ويؤكد رئيس البلدية حضوره.
3. **يوم الجلسة**: يترأس الشباب الجلسة ويطرحون الأسئلة، ولكل منهم سؤال متابعة واحد.
4. **بعد شهر**: تنشر المدينة الأجوبة المكتوبة والالتزامات المتخذة.

## نصائح من مدن جرّبتها

- عقد الجلسة في قاعة المجلس لا في دار للشباب.
- ألا تتجاوز أجوبة المسؤولين ثلاث دقائق.
- دعوة الشباب الذين ترأسوا الجلسة بعد عام للتحقق من تنفيذ الالتزامات.
""",
            ),
        ),
        age=420,
    ),
    DemoResource(
        K.TOOL,
        ("incident_response", "global_crises"),
        (3,),
        None,
        (
            Text(
                "en",
                "mu.officer",
                "Is your city ready? A self-assessment on responding to hate incidents",
                "Twenty questions a city team answers together to see how ready it is to respond when a hate "
                "incident happens, with what to do first where the answer is no.",
                """## How to use it

Answer the questions as a team, in one meeting, with the services that would act on the day. Score each
answer *yes*, *partly* or *no*, and agree on one action for every *no*.

## Sample questions

- Does the city know who decides, and who speaks publicly, in the first hours?
- Is there a way for residents to report an incident to the city, not only to the police?
- Do schools and youth services know whom to call in the city?
- Has the city met the leaders of the communities most often targeted in the last year?
- Does the city's communication team have a holding statement ready?

## Reading the results

Fewer than ten *yes*: start with the tabletop exercise on the resource hub. Ten or more: review the
city's plan with a peer city that has used its own.
""",
            ),
        ),
        age=240,
    ),
]
