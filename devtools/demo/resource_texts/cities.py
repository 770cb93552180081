"""Cities' own policies, proposed by their focal points, and city profiles written by the hubs."""

from __future__ import annotations

from devtools.demo.resource_texts import DemoResource, K, Text

CITY_RESOURCES = [
    # --- Cities' own policies, proposed by their focal points -------------------------------------------------
    DemoResource(
        K.POLICY,
        ("young_cities",),
        (4,),
        "western-balkans",
        (
            Text(
                "en",
                "focal.kumanovo",
                "Kumanovo youth participation strategy",
                "The municipality's strategy for involving young people from every community in local decisions, "
                "adopted by the council with a yearly action plan.",
                """## Aims

- Young people of every community take part in the decisions that concern them.
- Municipal services reach young people who are not in school, training or work.
- Young people meet across community lines in everyday activities, not only at events.

## Measures

1. A youth council with seats shared between communities and genders.
2. A youth office in the municipality, open in the afternoons and evenings.
3. A small grants scheme for projects run by mixed groups of young people.
4. A yearly youth hearing at the council.

## Follow-up

The youth office reports every year to the council on participation, projects funded and the council's
answers to young people's proposals.
""",
            ),
        ),
        age=450,
        city="Kumanovo",
    ),
    DemoResource(
        K.POLICY,
        ("global_crises", "multi_agency"),
        (3,),
        "north-america",
        (
            Text(
                "fr",
                "focal.montreal",
                "Plan municipal de prévention de la haine et de la discrimination",
                "Le plan par lequel la ville coordonne ses services et ses partenaires pour prévenir les actes "
                "haineux et soutenir les communautés visées.",
                """## Principes

La ville agit en amont, avec les communautés, et dans le respect des droits de chacun. Elle ne se substitue
ni à la police ni à la justice.

## Axes

1. **Signaler** : un guichet municipal où les résidents décrivent un incident, même non criminel.
2. **Soutenir** : une équipe qui accompagne les personnes et lieux visés vers les services adaptés.
3. **Prévenir** : des activités dans les écoles, bibliothèques et centres communautaires.
4. **Répondre** : un protocole de communication lorsque la ville est touchée par un événement marquant.

## Gouvernance

Une table de concertation réunit chaque trimestre les services municipaux, la police et les organismes
communautaires. Un bilan public est présenté chaque année au conseil.
""",
            ),
            Text(
                "en",
                "hub.north-america.officer",
                "Municipal plan to prevent hate and discrimination",
                "The plan through which the city coordinates its services and partners to prevent hate acts and "
                "support the communities targeted.",
                """## Principles

The city acts early, with communities, and with respect for everyone's rights. It takes the place of
neither the police nor the courts.

## Areas of action

1. **Report**: a municipal desk where residents describe an incident, even one that is not a crime.
2. **Support**: a team that guides targeted people and places to the right services.
3. **Prevent**: activities in schools, libraries and community centres.
4. **Respond**: a communication protocol for when a major event affects the city.

## Governance

A coordination table brings together city services, the police and community organisations every
quarter. A public report goes to the council every year.
""",
            ),
        ),
        age=520,
        city="Montréal",
    ),
    DemoResource(
        K.POLICY,
        ("young_cities", "incident_response"),
        (4,),
        "central",
        (
            Text(
                "fr",
                "focal.mokolo",
                "Charte communale du vivre-ensemble de Mokolo",
                "La charte adoptée par le conseil municipal avec les chefferies, les confessions et les "
                "associations de jeunes, pour la cohésion de la commune.",
                """## Engagements de la commune

- Associer chaque communauté et chaque quartier aux décisions qui les concernent.
- Réserver une part du budget communal aux activités des jeunes.
- Réunir le comité du vivre-ensemble après tout incident qui touche la commune.

## Engagements des signataires

1. Chefferies et responsables religieux relaient les messages de paix et orientent vers les services.
2. Les associations de jeunes organisent chaque année des activités communes entre quartiers.
3. Les radios de proximité réservent une émission mensuelle au dialogue.

## Suivi

Le comité du vivre-ensemble se réunit tous les deux mois et rend compte au conseil municipal une fois par
an.
""",
            ),
        ),
        age=300,
        city="Mokolo",
    ),
    DemoResource(
        K.POLICY,
        ("global_crises", "multi_agency"),
        (3,),
        "mena",
        (
            Text(
                "ar",
                "focal.saida",
                "سياسة بلدية صيدا للتماسك الاجتماعي",
                "السياسة التي اعتمدها المجلس البلدي لتعزيز التماسك بين سكان المدينة والمقيمين فيها، في ظل الأزمات "
                "المتلاحقة.",
                """## المنطلقات

تستقبل المدينة سكانًا من خلفيات متعددة، وتنعكس عليها أزمات المنطقة. ترى البلدية أن التماسك الاجتماعي مسؤولية
مشتركة بين المؤسسات المحلية والمجتمع.

## المحاور

1. **الخدمات للجميع**: وصول متكافئ إلى الخدمات البلدية دون تمييز.
2. **لجان الأحياء**: لجنة في كل حي تضم ممثلين عن السكان والجمعيات.
3. **الشباب**: أنشطة رياضية وثقافية مشتركة في الأحياء المختلفة.
4. **الإنذار المبكر**: آلية لرصد التوترات ومعالجتها بالحوار قبل تفاقمها.

## المتابعة

تقدم لجنة التماسك الاجتماعي تقريرًا سنويًا إلى المجلس البلدي.
""",
            ),
            Text(
                "fr",
                "hub.mena.officer",
                "Politique de cohésion sociale de la municipalité de Saïda",
                "La politique adoptée par le conseil municipal pour renforcer la cohésion entre les habitants et les "
                "résidents de la ville, face à des crises successives.",
                """## Point de départ

La ville accueille des habitants d'horizons divers et subit les contrecoups des crises de la région. La
municipalité considère la cohésion sociale comme une responsabilité partagée entre institutions locales
et société.

## Axes

1. **Des services pour tous** : un accès égal aux services municipaux, sans discrimination.
2. **Comités de quartier** : un comité par quartier, avec des représentants des habitants et des
   associations.
3. **Jeunesse** : des activités sportives et culturelles communes entre quartiers.
4. **Alerte précoce** : un dispositif pour repérer les tensions et les traiter par le dialogue avant
   qu'elles ne s'aggravent.

## Suivi

Le comité de cohésion sociale présente un rapport annuel au conseil municipal.
""",
            ),
        ),
        age=400,
        city="Saïda",
    ),
    DemoResource(
        K.POLICY,
        ("global_crises",),
        (3,),
        "central",
        (
            Text(
                "en",
                "focal.berlin",
                "State action plan against antisemitism and anti-Muslim hatred",
                "How the city-state coordinates prevention, reporting and support for those affected, with "
                "community organisations funded for the long term.",
                """## Why a plan

Reports of antisemitic and anti-Muslim incidents rise sharply whenever the Middle East conflict escalates.
The city wants its response to rest on structures that exist before the next surge.

## What it contains

- Long-term funding for independent reporting and counselling centres.
- Training for teachers, youth workers and public servants, renewed every two years.
- A contact person for every district office.
- Security grants for places of worship and community centres.

## How it is governed

A round table of senate departments, districts and community organisations meets twice a year; an
independent evaluation is published at mid-term.
""",
            ),
        ),
        age=100,
        city="Berlin",
    ),
    DemoResource(
        K.POLICY,
        ("young_cities",),
        (4,),
        "mena",
        (
            Text(
                "fr",
                "focal.tangier",
                "Plan d'action jeunesse de la commune de Tanger",
                "Le plan triennal de la commune pour les jeunes des quartiers périphériques : emploi, culture, sport "
                "et participation.",
                """## Constat

Les quartiers périphériques concentrent une jeunesse nombreuse, souvent sans emploi ni lieu pour se retrouver.
Le plan part de ce que les jeunes ont dit lors de douze ateliers de quartier.

## Actions

1. Trois espaces jeunes ouverts le soir et le week-end.
2. Un programme d'apprentissage avec les entreprises de la zone portuaire.
3. Un festival annuel porté par les associations de jeunes.
4. Un conseil consultatif des jeunes, consulté sur le budget communal.

## Suivi

Un rapport d'étape est présenté chaque année au conseil communal et discuté avec le conseil des jeunes.
""",
            ),
            Text(
                "ar",
                "hub.mena.officer",
                "خطة عمل الشباب لجماعة طنجة",
                "الخطة الثلاثية للجماعة لفائدة شباب الأحياء الهامشية: التشغيل والثقافة والرياضة والمشاركة.",
                """## المعاينة

تضم الأحياء الهامشية عددًا كبيرًا من الشباب، كثير منهم دون عمل أو مكان يلتقون فيه. تنطلق الخطة مما قاله
الشباب في اثنتي عشرة ورشة في الأحياء.

## الإجراءات

1. ثلاثة فضاءات للشباب مفتوحة في المساء وعطلة نهاية الأسبوع.
2. برنامج للتكوين بالتدرج المهني مع مقاولات المنطقة المينائية.
3. مهرجان سنوي تنظمه جمعيات الشباب.
4. مجلس استشاري للشباب يُستشار في ميزانية الجماعة.

## المتابعة

يُعرض تقرير مرحلي كل سنة على المجلس الجماعي ويُناقش مع مجلس الشباب.
""",
            ),
        ),
        age=170,
        city="Tangier",
    ),
    DemoResource(
        K.POLICY,
        ("multi_agency", "incident_response"),
        (3,),
        "central",
        (
            Text(
                "fr",
                "focal.kousseri",
                "Arrêté portant création du comité communal de paix de Kousseri",
                "Le texte par lequel la commune crée son comité de paix, en fixe la composition et les missions.",
                """## Composition

- Le maire ou son adjoint, qui préside.
- Les chefs traditionnels des quartiers de la commune.
- Un représentant de chaque confession présente.
- Deux représentantes des associations de femmes et deux représentants des associations de jeunes.
- Les services déconcentrés de l'action sociale et de l'éducation.

## Missions

1. Prévenir les conflits entre communautés et entre quartiers.
2. Accueillir et orienter les personnes qui reviennent dans la commune après un déplacement.
3. Proposer au conseil des actions de dialogue et de cohésion.

## Fonctionnement

Le comité se réunit une fois par mois et chaque fois que la situation l'exige. Ses comptes rendus sont
transmis au conseil municipal.
""",
            ),
        ),
        age=60,
        city="Kousseri",
    ),
    # --- City profiles, written by the hubs -------------------------------------------------------------------
    DemoResource(
        K.PROFILE,
        ("multi_agency", "young_cities"),
        (3,),
        "esa",
        (
            Text(
                "en",
                "hub.esa.officer",
                "City profile: Mombasa County",
                "How a coastal county built its prevention work on a county action plan, community partners and "
                "young people's own organisations.",
                """## Context

A port city with a young population, a history of recruitment by violent groups and strong community and
faith organisations.

## Approach

- A **county action plan** on preventing violent extremism, drawn up with civil society and reviewed every
  two years.
- A **county engagement forum** where security services, county departments and community groups meet.
- **Youth-led initiatives** in the old town and the informal settlements, funded through small grants.

## What others can learn

- Involve community organisations from the first draft of the plan, not only at validation.
- Give the forum a secretariat in the county government so that it survives changes of staff.
""",
            ),
        ),
        age=640,
        city="Mombasa",
    ),
    DemoResource(
        K.PROFILE,
        ("global_crises", "national_local"),
        (2,),
        "mena",
        (
            Text(
                "en",
                "hub.mena.officer",
                "City profile: Irbid, a host city's approach to social cohesion",
                "How a municipality hosting a large refugee population kept services and trust going for hosts "
                "and newcomers alike.",
                """## Context

A university city near a border that received a large number of refugees within a few years, straining
water, schools, waste collection and jobs.

## Approach

- Services planned for **everyone living in the city**, not separately for hosts and refugees.
- **Neighbourhood committees** where both raise problems with the municipality.
- Coordination with ministries and international agencies so that aid projects follow the municipal plan.

## Lessons

- Tension grows where services fail; fixing waste collection did more for cohesion than any campaign.
- Shared projects for young people from both groups built trust faster than separate programmes.
""",
            ),
            Text(
                "ar",
                "hub.mena",
                "لمحة عن مدينة: إربد، نهج مدينة مضيفة في التماسك الاجتماعي",
                "كيف حافظت بلدية تستضيف عددًا كبيرًا من اللاجئين على خدماتها وعلى الثقة بين السكان المضيفين "
                "والقادمين الجدد.",
                """## السياق

مدينة جامعية قريبة من الحدود استقبلت عددًا كبيرًا من اللاجئين في سنوات قليلة، ما أثقل على المياه والمدارس
وجمع النفايات وفرص العمل.

## النهج

- خدمات مخططة **لكل من يعيش في المدينة**، لا للمضيفين واللاجئين كلٌّ على حدة.
- **لجان أحياء** يطرح فيها الطرفان مشكلاتهما على البلدية.
- تنسيق مع الوزارات والوكالات الدولية كي تتبع مشاريع المساعدات خطة البلدية.

## الدروس

- يتصاعد التوتر حيث تتعثر الخدمات؛ وقد أفاد إصلاح جمع النفايات التماسكَ أكثر من أي حملة.
- بنت المشاريع المشتركة لشباب الفئتين الثقة أسرع من البرامج المنفصلة.
""",
            ),
        ),
        age=540,
        city="Irbid",
    ),
]
