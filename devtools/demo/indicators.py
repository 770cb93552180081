"""The demo network's key indicators (a few per strategic priority) and the donors that finance its fund.

In the desk the management unit keeps both in the admin; the demo writes a believable set so that routing,
delivery reports, follow-ups and the reports have something to show. Names and definitions are data in the
three working languages (English, French, Arabic), not interface strings. Seeding updates each row by its code,
so a second run changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from helpdesk.models import Indicator, IndicatorUnit, StrategicPriority
from workflows.models import FundingSource

P = StrategicPriority
U = IndicatorUnit


@dataclass(frozen=True)
class DemoIndicator:
    code: str
    priority: int
    unit: str
    name: tuple[str, str, str]  # English, French, Arabic
    definition: tuple[str, str, str]
    higher_is_better: bool = True


INDICATORS = (
    DemoIndicator(
        "city-exchanges-held",
        P.CITY_EXCHANGE,
        U.COUNT,
        (
            "City-to-city exchanges held",
            "Échanges entre villes organisés",
            "تبادلات الخبرات المنعقدة بين المدن",
        ),
        (
            "Peer exchanges, study visits and joint working sessions the city held with one or more other cities, "
            "online or in person.",
            "Échanges entre pairs, visites d'étude et séances de travail communes que la ville a tenus avec une ou "
            "plusieurs autres villes, en ligne ou en présentiel.",
            "تبادلات الأقران والزيارات الدراسية وجلسات العمل المشتركة التي عقدتها المدينة مع مدينة أخرى أو أكثر، "
            "عبر الإنترنت أو حضوريًا.",
        ),
    ),
    DemoIndicator(
        "practices-adapted",
        P.CITY_EXCHANGE,
        U.COUNT,
        (
            "Practices adapted from peer cities",
            "Pratiques reprises de villes homologues",
            "ممارسات مقتبسة من مدن نظيرة",
        ),
        (
            "Approaches, tools or policies learned from another city that the city has adapted and put into use.",
            "Approches, outils ou politiques découverts auprès d'une autre ville, que la ville a adaptés et mis en "
            "œuvre.",
            "مقاربات أو أدوات أو سياسات تعرّفت عليها المدينة لدى مدينة أخرى فكيّفتها وبدأت العمل بها.",
        ),
    ),
    DemoIndicator(
        "peer-contacts",
        P.CITY_EXCHANGE,
        U.COUNT,
        (
            "Officials in regular contact with a peer city",
            "Responsables en contact régulier avec une ville homologue",
            "مسؤولون على تواصل منتظم مع مدينة نظيرة",
        ),
        (
            "Elected officials and municipal staff who exchange with their counterparts in another city at least "
            "once a quarter.",
            "Élus et agents municipaux qui échangent avec leurs homologues d'une autre ville au moins une fois par "
            "trimestre.",
            "المنتخبون وموظفو البلدية الذين يتواصلون مع نظرائهم في مدينة أخرى مرة واحدة على الأقل كل ثلاثة أشهر.",
        ),
    ),
    DemoIndicator(
        "exchange-usefulness",
        P.CITY_EXCHANGE,
        U.SCALE,
        ("Usefulness of the exchange", "Utilité de l'échange", "مدى فائدة التبادل"),
        (
            "How useful the city's team found the exchange for its own work, from 1 (not useful) to 5 (very useful).",
            "Utilité de l'échange pour le travail de l'équipe municipale, selon sa propre appréciation, de 1 (pas "
            "utile) à 5 (très utile).",
            "مدى فائدة التبادل لعمل فريق المدينة بحسب تقديره، من 1 (غير مفيد) إلى 5 (مفيد جدًا).",
        ),
    ),
    DemoIndicator(
        "coordination-mechanism",
        P.NATIONAL_LOCAL,
        U.YES_NO,
        (
            "National-local coordination mechanism in place",
            "Mécanisme de coordination nationale-locale en place",
            "وجود آلية للتنسيق بين المستويين الوطني والمحلي",
        ),
        (
            "A standing body or agreed procedure through which the city and national authorities coordinate "
            "prevention and response.",
            "Instance permanente ou procédure convenue par laquelle la ville et les autorités nationales "
            "coordonnent la prévention et la réponse.",
            "هيئة دائمة أو إجراء متفق عليه تنسّق من خلاله المدينة والسلطات الوطنية جهود الوقاية والاستجابة.",
        ),
    ),
    DemoIndicator(
        "joint-meetings",
        P.NATIONAL_LOCAL,
        U.COUNT,
        (
            "Joint meetings with national authorities",
            "Réunions conjointes avec les autorités nationales",
            "اجتماعات مشتركة مع السلطات الوطنية",
        ),
        (
            "Working meetings on prevention that the city held together with ministries or national agencies.",
            "Réunions de travail sur la prévention que la ville a tenues avec des ministères ou des agences "
            "nationales.",
            "اجتماعات عمل حول الوقاية عقدتها المدينة مع الوزارات أو الهيئات الوطنية.",
        ),
    ),
    DemoIndicator(
        "local-input-adopted",
        P.NATIONAL_LOCAL,
        U.COUNT,
        (
            "Local recommendations taken up nationally",
            "Recommandations locales reprises au niveau national",
            "توصيات محلية أُخذ بها على المستوى الوطني",
        ),
        (
            "Recommendations from the city that are reflected in a national policy, programme or guidance.",
            "Recommandations de la ville prises en compte dans une politique, un programme ou des orientations "
            "nationales.",
            "توصيات صادرة عن المدينة انعكست في سياسة أو برنامج أو توجيهات وطنية.",
        ),
    ),
    DemoIndicator(
        "prevention-plan",
        P.MANDATES,
        U.YES_NO,
        ("Municipal prevention plan adopted", "Plan municipal de prévention adopté", "اعتماد خطة بلدية للوقاية"),
        (
            "The council or the mayor has adopted a plan to prevent and respond to hate, extremism and polarisation.",
            "Le conseil municipal ou le maire a adopté un plan de prévention et de réponse face à la haine, à "
            "l'extrémisme et à la polarisation.",
            "اعتمد المجلس البلدي أو رئيس البلدية خطة للوقاية من الكراهية والتطرف والاستقطاب والاستجابة لها.",
        ),
    ),
    DemoIndicator(
        "staff-trained",
        P.MANDATES,
        U.COUNT,
        ("Staff trained", "Agents formés", "الموظفون المدرَّبون"),
        (
            "Municipal staff and partners who completed a training delivered or funded through the support.",
            "Agents municipaux et partenaires ayant suivi jusqu'au bout une formation dispensée ou financée dans "
            "le cadre de l'appui.",
            "موظفو البلدية وشركاؤها الذين أتمّوا تدريبًا قُدِّم أو مُوِّل في إطار الدعم.",
        ),
    ),
    DemoIndicator(
        "partner-agencies",
        P.MANDATES,
        U.COUNT,
        (
            "Agencies in the local prevention framework",
            "Organismes membres du dispositif local de prévention",
            "الجهات المشاركة في الإطار المحلي للوقاية",
        ),
        (
            "Municipal services and outside agencies (schools, health, police, civil society) that take part in "
            "the city's prevention framework.",
            "Services municipaux et organismes extérieurs (écoles, santé, police, société civile) qui participent "
            "au dispositif local de prévention.",
            "الدوائر البلدية والجهات الخارجية (المدارس والصحة والشرطة والمجتمع المدني) المشاركة في الإطار المحلي "
            "للوقاية.",
        ),
    ),
    DemoIndicator(
        "response-days",
        P.MANDATES,
        U.COUNT,
        (
            "Days to the city's public response after an incident",
            "Délai de réponse publique de la ville après un incident (jours)",
            "مدة استجابة المدينة العلنية بعد وقوع حادث (بالأيام)",
        ),
        (
            "Days between a violent or hate-motivated incident and the city's first public statement or "
            "community outreach; fewer is better.",
            "Nombre de jours entre un incident violent ou motivé par la haine et la première prise de parole "
            "publique ou action de proximité de la ville ; moins, c'est mieux.",
            "عدد الأيام بين وقوع حادث عنيف أو بدافع الكراهية وأول بيان علني للمدينة أو أول تواصل مع المجتمع "
            "المحلي؛ وكلما قلّ العدد كان ذلك أفضل.",
        ),
        higher_is_better=False,
    ),
    DemoIndicator(
        "youth-engaged",
        P.YOUTH,
        U.COUNT,
        (
            "Young people engaged in local decision-making",
            "Jeunes associés à la prise de décision locale",
            "الشباب المشاركون في صنع القرار المحلي",
        ),
        (
            "Young people (15 to 29) who took part in a council, consultation or advisory body where the city's "
            "decisions are prepared.",
            "Jeunes de 15 à 29 ans ayant participé à un conseil, une consultation ou une instance consultative où "
            "se préparent les décisions de la ville.",
            "الشباب من 15 إلى 29 عامًا الذين شاركوا في مجلس أو مشاورة أو هيئة استشارية تُعَدّ فيها قرارات المدينة.",
        ),
    ),
    DemoIndicator(
        "youth-council",
        P.YOUTH,
        U.YES_NO,
        (
            "Youth council or advisory body in place",
            "Conseil ou instance consultative des jeunes en place",
            "وجود مجلس أو هيئة استشارية للشباب",
        ),
        (
            "A body through which young people advise the city, and which met at least twice in the past year.",
            "Instance par laquelle les jeunes conseillent la ville, et qui s'est réunie au moins deux fois au "
            "cours de l'année écoulée.",
            "هيئة يقدّم الشباب من خلالها المشورة للمدينة، واجتمعت مرتين على الأقل خلال العام الماضي.",
        ),
    ),
    DemoIndicator(
        "youth-projects",
        P.YOUTH,
        U.COUNT,
        (
            "Youth-led projects supported by the city",
            "Projets portés par des jeunes et soutenus par la ville",
            "مشاريع يقودها الشباب بدعم من المدينة",
        ),
        (
            "Projects designed and run by young people that the city funds, hosts or co-organises.",
            "Projets conçus et menés par des jeunes que la ville finance, accueille ou co-organise.",
            "مشاريع يصمّمها الشباب وينفّذونها وتموّلها المدينة أو تستضيفها أو تشارك في تنظيمها.",
        ),
    ),
    DemoIndicator(
        "youth-trust",
        P.YOUTH,
        U.PERCENTAGE,
        (
            "Young people who trust the local authority",
            "Jeunes qui font confiance à l'autorité locale",
            "نسبة الشباب الذين يثقون بالسلطة المحلية",
        ),
        (
            "Share of the young respondents to the city's survey who say they trust the local authority to "
            "listen to them.",
            "Part des jeunes répondant à l'enquête de la ville qui déclarent faire confiance à l'autorité locale "
            "pour les écouter.",
            "نسبة الشباب المشاركين في استطلاع المدينة الذين يقولون إنهم يثقون بأن السلطة المحلية تصغي إليهم.",
        ),
    ),
    DemoIndicator(
        "mayor-platforms",
        P.MAYORS_VOICE,
        U.COUNT,
        (
            "Regional and international platforms where the mayor spoke",
            "Tribunes régionales et internationales où le maire a pris la parole",
            "منابر إقليمية ودولية تحدّث فيها رئيس البلدية",
        ),
        (
            "Regional or international meetings, summits or hearings where the mayor or a deputy spoke for the city.",
            "Réunions, sommets ou auditions régionaux ou internationaux où le maire ou un adjoint s'est exprimé au "
            "nom de la ville.",
            "اجتماعات أو قمم أو جلسات استماع إقليمية أو دولية تحدّث فيها رئيس البلدية أو أحد نوابه باسم المدينة.",
        ),
    ),
    DemoIndicator(
        "policy-contributions",
        P.MAYORS_VOICE,
        U.COUNT,
        (
            "Contributions to national or multilateral policy",
            "Contributions aux politiques nationales ou multilatérales",
            "مساهمات في السياسات الوطنية أو متعددة الأطراف",
        ),
        (
            "Written or spoken contributions by the city's leadership to a national or multilateral policy "
            "process (consultations, declarations, reviews).",
            "Contributions écrites ou orales des dirigeants de la ville à un processus politique national ou "
            "multilatéral (consultations, déclarations, examens).",
            "مساهمات مكتوبة أو شفهية قدّمتها قيادة المدينة في مسار سياسات وطني أو متعدد الأطراف (مشاورات أو "
            "إعلانات أو مراجعات).",
        ),
    ),
    DemoIndicator(
        "mayor-commitment",
        P.MAYORS_VOICE,
        U.YES_NO,
        (
            "Mayor's public commitment against hate and extremism",
            "Engagement public du maire contre la haine et l'extrémisme",
            "التزام علني من رئيس البلدية بمناهضة الكراهية والتطرف",
        ),
        (
            "The mayor has publicly committed the city to preventing hate, extremism and polarisation, for "
            "instance in a council declaration or a public pledge.",
            "Le maire a publiquement engagé la ville dans la prévention de la haine, de l'extrémisme et de la "
            "polarisation, par exemple par une déclaration du conseil municipal ou un engagement public.",
            "التزم رئيس البلدية علنًا باسم المدينة بالوقاية من الكراهية والتطرف والاستقطاب، من خلال إعلان صادر عن "
            "المجلس البلدي أو تعهّد علني مثلًا.",
        ),
    ),
    DemoIndicator(
        "mayor-confidence",
        P.MAYORS_VOICE,
        U.SCALE,
        (
            "Mayor's confidence in leading on prevention",
            "Assurance du maire pour porter la prévention",
            "ثقة رئيس البلدية في قيادة جهود الوقاية",
        ),
        (
            "The mayor's own assessment of their confidence to lead the city's prevention work, from 1 (low) to "
            "5 (high).",
            "Auto-évaluation par le maire de son assurance pour conduire le travail de prévention de la ville, de "
            "1 (faible) à 5 (élevée).",
            "تقييم رئيس البلدية الذاتي لمدى ثقته في قيادة جهود الوقاية في المدينة، من 1 (منخفضة) إلى 5 (مرتفعة).",
        ),
    ),
)

FUNDING_SOURCES = (
    # code, name in English, French and Arabic
    ("eu", "European Union", "Union européenne", "الاتحاد الأوروبي"),
    ("gov-no", "Government of Norway", "Gouvernement de la Norvège", "حكومة النرويج"),
    ("gov-ca", "Government of Canada", "Gouvernement du Canada", "حكومة كندا"),
    ("fdn-civic", "Civic Futures Foundation", "Fondation Avenirs civiques", "مؤسسة المستقبل المدني"),
)


def indicators_seed() -> dict[str, Indicator]:
    """Write the catalogue (each indicator found by its code); returns the indicators by code."""
    seeded: dict[str, Indicator] = {}
    position: dict[int, int] = {}
    for item in INDICATORS:
        position[item.priority] = position.get(item.priority, 0) + 1
        seeded[item.code], _created = Indicator.objects.update_or_create(
            code=item.code,
            defaults={
                "priority": item.priority,
                "name": item.name[0],
                "name_fr": item.name[1],
                "name_ar": item.name[2],
                "definition": item.definition[0],
                "definition_fr": item.definition[1],
                "definition_ar": item.definition[2],
                "unit": item.unit,
                "higher_is_better": item.higher_is_better,
                "is_active": True,
                "position": position[item.priority],
            },
        )
    return seeded


def funding_sources_seed() -> dict[str, FundingSource]:
    """Write the fund's donors (each found by its code); returns them by code."""
    seeded: dict[str, FundingSource] = {}
    for code, name, name_fr, name_ar in FUNDING_SOURCES:
        seeded[code], _created = FundingSource.objects.update_or_create(
            code=code, defaults={"name": name, "name_fr": name_fr, "name_ar": name_ar}
        )
    return seeded
