"""Good practice drawn from closed demo requests (``devtools.demo.requests_learned`` and ``DEMO_REQUESTS``), and a
few resources still being written or reviewed.

A text drawn from a request tells its summary and outcomes, never its description or messages; the one whose
city chose to stay anonymous names no city.
"""

from __future__ import annotations

from devtools.demo.resource_texts import DemoResource, K, Text
from helpdesk.models import Consent, ResourceState

# --- Good practice drawn from closed requests, with the city's consent (``resources._from_requests``) ------------
FROM_REQUESTS = [
    DemoResource(
        K.PRACTICE,
        ("young_cities",),
        (4, 1),
        "western-balkans",
        (
            Text(
                "en",
                "hub.western-balkans",
                "A youth council that sits across communities",
                "How a city designed a youth council with seats for every community, had its rules adopted by "
                "the council and held a first sitting, with more young people involved than planned.",
                """## What the city wanted

A youth council that does not split along community lines, with a real place in the city's decisions.

## What was done

1. Four design sessions with young people from every part of the city, facilitated by an expert from the
   network's pool.
2. Rules that share seats between communities and genders, and rotate the chair every six months.
3. A council decision giving the youth council the right to put one item a year on the council's agenda.

## Results

- The youth council exists and has held its first sitting.
- 74 young people took part in the design, against 60 hoped for.

## For other cities

Let young people write the rules themselves; the rotation of the chair was their idea.
""",
            ),
        ),
        age=0,
        city="Sarajevo",
        source="Youth council across the city's communities",
        consent=Consent.NAMED,
    ),
    DemoResource(
        K.PRACTICE,
        ("young_cities",),
        (4,),
        "mena",
        (
            Text(
                "fr",
                "hub.mena",
                "Faire vivre un conseil municipal des jeunes au-delà de sa première année",
                "Comment une ville a relancé son conseil municipal des jeunes en s'inspirant de trois conseils du "
                "réseau : un règlement intérieur revu et un budget participatif voté.",
                """## La question de la ville

Après une première année enthousiaste, les réunions du conseil des jeunes se vidaient et ses propositions
restaient sans suite.

## Ce que le pôle régional a proposé

- Les règlements de trois conseils de jeunes du réseau, pour comparer mandats, élections et rôle des élus.
- L'exemple de budgets participatifs réservés aux jeunes.

## Ce que la ville a fait

1. Un règlement intérieur revu : mandat de deux ans, parité, réunions pendant les vacances scolaires.
2. Un budget participatif voté par le conseil municipal, dont les projets sont choisis par les jeunes.

## À retenir

Un conseil de jeunes tient quand ses propositions ont un budget et une réponse écrite.
""",
            ),
            Text(
                "ar",
                "hub.mena.officer",
                "كيف يستمر مجلس بلدي للشباب بعد سنته الأولى",
                "كيف أعادت مدينة إحياء مجلسها البلدي للشباب مستلهمة ثلاثة مجالس من الشبكة: نظام داخلي منقّح "
                "وميزانية تشاركية مصادق عليها.",
                """## سؤال المدينة

بعد سنة أولى حماسية، صارت اجتماعات مجلس الشباب تفرغ من الحضور وبقيت مقترحاته دون متابعة.

## ما اقترحه المكتب الإقليمي

- الأنظمة الداخلية لثلاثة مجالس شباب في الشبكة، للمقارنة بين الولايات والانتخابات ودور المنتخبين.
- أمثلة على ميزانيات تشاركية مخصصة للشباب.

## ما فعلته المدينة

1. نظام داخلي منقّح: ولاية من سنتين، ومناصفة، واجتماعات خلال العطل المدرسية.
2. ميزانية تشاركية صادق عليها المجلس البلدي، يختار الشباب مشاريعها.

## الخلاصة

يصمد مجلس الشباب حين تكون لمقترحاته ميزانية وجواب مكتوب.
""",
            ),
        ),
        age=0,
        city="Sousse",
        source="Conseil municipal des jeunes : première année",
        consent=Consent.NAMED,
    ),
    DemoResource(
        K.PRACTICE,
        ("incident_response",),
        (3,),
        "north-america",
        (
            Text(
                "en",
                "hub.north-america",
                "Recovery one year on: keeping city services working together",
                "How a city kept its parks, library and police liaison working as one team in the year after an "
                "attack, and trained more staff than planned.",
                """## The question

A year after an attack, the city's services had each returned to their own work. The city asked how to keep
recovery going together.

## What was done

1. A workshop with the three services most in contact with residents: parks, the library and police
   liaison.
2. A shared calendar of anniversaries and community events, with one service leading each.
3. A short prevention plan adopted by the city.

## Results

- 28 staff trained, against 25 planned.
- Time to a joint response after a new incident down from ten days to four.
- A prevention plan in place.

## For other cities

Name one service to lead each moment of the year; shared ownership without a lead faded within months.
""",
            ),
        ),
        age=0,
        city="Highland Park",
        source="Recovery support one year on",
        consent=Consent.NAMED,
    ),
    DemoResource(
        K.PRACTICE,
        ("incident_response", "multi_agency"),
        (3,),
        "south-asia",
        (
            Text(
                "en",
                "hub.south-asia",
                "Interfaith reassurance in the week after an attack",
                "How a city agreed a reassurance plan with religious leaders within days of an attack on places "
                "of worship, drawing on three cities' experience.",
                """## The question

After attacks on places of worship, every community felt targeted or suspected. The city asked how to
reassure all of them at once.

## What the hub shared

How three cities organised visible interfaith reassurance in the first week: joint visits, shared
statements and protection for every place of worship, not only the one attacked.

## What the city did

1. Convened the leaders of every faith within two days.
2. Agreed joint visits to each community by the mayor and the leaders together.
3. Asked schools to hold a moment of reflection on the same morning.

## For other cities

Reassure the community that may be blamed as well as the one that was attacked.
""",
            ),
        ),
        age=0,
        city="Colombo",
        source="Interfaith reassurance after the attacks",
        consent=Consent.NAMED,
    ),
    DemoResource(
        K.PRACTICE,
        ("national_local",),
        (2,),
        "mena",
        (
            Text(
                "en",
                "hub.mena.officer",
                "A standing coordination cell between a municipality and its ministries",
                "How a municipality set up a coordination cell with three ministries working on social cohesion, "
                "and held six joint meetings in its first months.",
                """## The question

The municipality saw tensions in its neighbourhoods before anyone else, but had no regular channel to the
ministries whose programmes were meant to address them.

## What was done

1. An expert from the network's pool helped draft terms of reference for a coordination cell.
2. Three ministries each named a permanent member; the municipality holds the secretariat.
3. The cell meets every month on an agenda the municipality prepares.

## Results

- A standing coordination mechanism, where there was none.
- Six joint meetings held, as planned.

## For other cities

Hold the secretariat: whoever writes the agenda keeps local needs on it.
""",
            ),
            Text(
                "ar",
                "hub.mena",
                "خلية تنسيق دائمة بين بلدية ووزاراتها",
                "كيف أنشأت بلدية خلية تنسيق مع ثلاث وزارات تعمل على التماسك الاجتماعي، وعقدت ستة اجتماعات مشتركة "
                "في أشهرها الأولى.",
                """## السؤال

كانت البلدية ترى التوترات في أحيائها قبل غيرها، لكن لم تكن لها قناة منتظمة مع الوزارات التي يُفترض أن
تعالجها برامجُها.

## ما تم إنجازه

1. ساعد خبير من مجموعة خبراء الشبكة في صياغة مرجعية عمل لخلية تنسيق.
2. سمّت كل وزارة من الوزارات الثلاث عضوًا دائمًا، وتتولى البلدية الأمانة.
3. تجتمع الخلية كل شهر وفق جدول أعمال تعدّه البلدية.

## النتائج

- آلية تنسيق دائمة حيث لم تكن هناك أي آلية.
- ستة اجتماعات مشتركة كما كان مخططًا.

## لمدن أخرى

تولَّوا الأمانة: من يكتب جدول الأعمال يُبقي الاحتياجات المحلية عليه.
""",
            ),
        ),
        age=0,
        city="Amman",
        source="Coordination with national ministries on social cohesion",
        consent=Consent.ANONYMOUS,
    ),
    # Waiting for the city's word: in review, not publishable until its focal point answers.
    DemoResource(
        K.PRACTICE,
        ("multi_agency",),
        (3,),
        "esa",
        (
            Text(
                "en",
                "hub.esa",
                "Bringing religious leaders into a county's prevention work",
                "How a county turned an interfaith forum into a member of its prevention steering group.",
                """## The question

The county wanted religious leaders to take part in its prevention work, not only to be consulted.

## What the hub shared

Two models of county councils of religious leaders, and how each works with the county government.

## What the county did

1. Gave the interfaith forum a seat on the county's prevention steering group.
2. Agreed with the forum how concerns raised in places of worship reach county services.

## For other counties

Give the forum a seat where decisions are taken, with the same papers as every other member.
""",
            ),
        ),
        age=3,
        state=ResourceState.REVIEW,
        city="Mombasa",
        source="Working with religious leaders across the county",
        consent=Consent.ASKED,
    ),
]

# --- Still being written or reviewed ---------------------------------------------------------------------------
UNPUBLISHED = [
    DemoResource(
        K.POLICY,
        ("multi_agency", "young_cities"),
        (3,),
        "esa",
        (
            Text(
                "en",
                "focal.mombasa",
                "Mombasa County action plan on preventing violent extremism (summary)",
                "A summary of the county's action plan for the resource hub: its pillars and who leads each.",
                """## Pillars

- Education and youth
- Faith and community
- Security and justice
- Media and communication

## Leads

Each pillar is led by a county department with a civil-society co-lead.

*To complete: the review cycle and the latest progress report.*
""",
            ),
        ),
        age=2,
        state=ResourceState.DRAFT,
        city="Mombasa",
    ),
    DemoResource(
        K.GUIDE,
        ("incident_response",),
        (3,),
        "esa",
        (
            Text(
                "en",
                "hub.esa.officer",
                "Psychological first aid for municipal staff after an incident",
                "What front-line municipal staff need to know to support residents, and themselves, in the days "
                "after a traumatic event.",
                """## Who it is for

Receptionists, social workers, teachers, librarians: the staff residents turn to first.

## Three principles

1. **Look**: notice who is distressed, including colleagues.
2. **Listen**: offer calm and practical help; do not push people to talk.
3. **Link**: know the services to refer people to, and refer.

## What not to do

Do not ask people to describe what they saw, promise what the city cannot deliver, or share their stories
with the press.

## Looking after staff

Plan rotations and a debrief within a week; offer confidential support to every staff member involved.
""",
            ),
        ),
        age=5,
        state=ResourceState.REVIEW,
    ),
    DemoResource(
        K.TOOL,
        ("multi_agency", "young_cities"),
        (3, 4),
        None,
        (
            Text(
                "en",
                "mu.officer",
                "Measuring what prevention changes: an indicator handbook for cities",
                "How a city chooses a few key indicators for its prevention work, sets a baseline and reports "
                "progress without collecting personal data.",
                """## Choosing indicators

Pick two or three per strategic priority; prefer counts a service already keeps.

## Baselines

Record the value before the work starts; an unknown baseline is written as unknown, never as zero.

## Reporting

Report at delivery and again three and six months later.

*Draft: examples from the hubs to come.*
""",
            ),
        ),
        age=9,
        state=ResourceState.DRAFT,
    ),
]
