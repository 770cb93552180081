"""Resources for measuring the hub's search at network scale (``seed_demo --scale N``): one published resource
per 50 requests (2,000 at 100,000), a tenth as many again in draft or in review, each in English, French or
Arabic and a third of them translated into a second language, with their search index rows.

Rows go straight to the tables (``devtools.demo.bulk``) and their words to the index
(``helpdesk.resource_index.index_entries``, given the plain text directly): load for benchmarks, not content
anyone wrote. Texts are drawn from each language's vocabulary by Zipf's law, as the requests' are.
"""

from __future__ import annotations

import functools
import random
import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from devtools.demo.bulk import insert_rows
from devtools.demo.people import network_people
from devtools.demo.scale import WORDS
from helpdesk.models import City, Resource, ResourceKind, ResourceState, ResourceVersion, StrategicPriority, Theme
from helpdesk.resource_index import Entry, index_entries
from helpdesk.sanitize import seal

PER_REQUESTS = 50
FRENCH = (
    "le la les de des du et en un une pour dans avec sur par au aux ville nous ce qui est sont plus leur "
    "communauté jeunes prévention conseil maire formation formations atelier dialogue stratégie réponse écoles "
    "cohésion sociale discours haine surveillance en-ligne polarisation coordination politique nationale "
    "échange pairs orientation résilience familles police partenaires réseau mentorat bénévoles enseignants "
    "sport culture femmes responsables religieux minorités réfugiés migrants quartier intégration confiance "
    "incidents victimes rumeurs désinformation élections municipales manifestations tensions extrémisme "
    "radicalisation désengagement réinsertion prisons probation écoute campagne médias journalistes "
    "bibliothèques musées festivals mémoire budget subvention évaluation indicateurs enquête cartographie "
    "diagnostic cadre protocole guide boîte-à-outils programme animateurs formateurs interprètes traduction "
    "municipal municipalité district province région capitale village rural urbain santé logement emploi"
)
ARABIC = (
    "في من على إلى مع عن هذا التي الذي المدينة نحن هو هي كان أن لا ما بين كل الشباب المجتمع الوقاية المجلس "
    "العمدة التدريب ورشة الحوار الاستراتيجية الاستجابة المدارس التماسك الاجتماعي خطاب الكراهية الرصد الإنترنت "
    "الاستقطاب التنسيق السياسة الوطنية تبادل الأقران الإحالة الصمود الأسر الشرطة الشركاء الشبكة الإرشاد "
    "المتطوعين المعلمين الرياضة الثقافة النساء القادة الدينيين الأقليات اللاجئين المهاجرين الحي الاندماج "
    "الثقة الحوادث الضحايا الشائعات التضليل الانتخابات البلدية الاحتجاجات التوترات التطرف التطرف العنيف "
    "فك الارتباط إعادة الإدماج السجون الإعلام الصحفيين المكتبات المتاحف المهرجانات الذاكرة الميزانية المنحة "
    "التقييم المؤشرات المسح الخرائط الإطار البروتوكول الدليل المنهج الميسرين المدربين الترجمة البلدية الريف"
)
VOCABULARY = {"en": WORDS, "fr": FRENCH.split(), "ar": ARABIC.split()}
LANGUAGES, LANGUAGE_WEIGHTS = ["en", "fr", "ar"], [2, 1, 1]
RESOURCE_FIELDS = (
    "slug",
    "kind",
    "state",
    "themes",
    "priorities",
    "region_id",
    "city_id",
    "city_named",
    "consent",
    "created_by_id",
    "reviewed_by_id",
    "reviewed_at",
    "published_at",
    "created_at",
    "updated_at",
)
VERSION_FIELDS = (
    "resource_id",
    "language",
    "title",
    "summary",
    "body",
    "body_seal",
    "translated_from",
    "written_by_id",
    "written_at",
)


@functools.cache
def _corpus(language: str) -> tuple[str, ...]:
    words = VOCABULARY[language]
    weights = [1 / rank for rank in range(1, len(words) + 1)]
    return tuple(random.Random(language).choices(words, weights, k=50_000))


def _text(rng: random.Random, language: str, words: int) -> str:
    corpus = _corpus(language)
    start = rng.randrange(len(corpus) - words)
    return " ".join(corpus[start : start + words])


def seed_scale_resources(*, requests: int, seed: int = 2026) -> int:
    """Add the resources that ``requests`` requests' worth of network would have shared; returns how many."""
    published = requests // PER_REQUESTS
    count = published + published // 10
    if not count:
        return 0
    rng = random.Random(seed)
    now = timezone.now()
    people = network_people()
    cities = list(City.objects.order_by("pk").values_list("pk", "region_id"))
    themes, priorities, kinds = list(Theme.values), list(StrategicPriority.values), list(ResourceKind.values)
    with transaction.atomic():
        before = Resource.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        rows = []
        for i in range(count):
            city_id, region_id = rng.choice(cities) if cities and rng.random() < 0.7 else (None, None)
            if region_id is None and people.hub_by_region:
                region_id = rng.choice(sorted(people.hub_by_region))
            hub = people.hub_by_region.get(region_id, []) if region_id else []
            focal = people.focal_by_city.get(city_id, []) if city_id else []
            author = rng.choice(focal or hub or [None])
            created = now - timedelta(days=rng.uniform(0, 1100))
            state = (
                ResourceState.PUBLISHED if i < published else rng.choice([ResourceState.DRAFT, ResourceState.REVIEW])
            )
            reviewer = (
                rng.choice([p for p in hub if p != author] or [None]) if state == ResourceState.PUBLISHED else None
            )
            published_at = created + timedelta(days=rng.uniform(1, 30)) if state == ResourceState.PUBLISHED else None
            rows.append(
                (
                    f"scale-{uuid.uuid4().hex[:16]}",
                    rng.choice(kinds),
                    state,
                    rng.sample(themes, rng.randint(1, 2)),
                    rng.sample(priorities, rng.randint(1, 2)),
                    region_id,
                    city_id,
                    False,
                    "not_needed",
                    author,
                    reviewer,
                    published_at,
                    published_at,
                    created,
                    published_at or created,
                )
            )
        insert_rows(Resource, RESOURCE_FIELDS, rows)
        added = list(
            Resource.objects.filter(pk__gt=before).order_by("pk").values_list("pk", "created_by_id", "created_at")
        )
        versions = []
        for resource_id, author, created in added:
            first = rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0]
            languages = [first]
            if rng.random() < 1 / 3:
                languages.append(rng.choice([language for language in LANGUAGES if language != first]))
            for n, language in enumerate(languages):
                body = f"<p>{_text(rng, language, rng.randint(80, 400))}</p>"
                versions.append(
                    (
                        resource_id,
                        language,
                        _text(rng, language, rng.randint(3, 9)).capitalize(),
                        _text(rng, language, rng.randint(15, 40)),
                        body,
                        seal(body),
                        first if n else "",
                        author,
                        created + timedelta(days=n * 3),
                    )
                )
        insert_rows(ResourceVersion, VERSION_FIELDS, versions)
        ids = dict(
            ((r, lang), pk)
            for pk, r, lang in ResourceVersion.objects.filter(resource_id__gt=before).values_list(
                "pk", "resource_id", "language"
            )
        )
        # The plain text is the paragraph's words: no HTML to parse.
        index_entries([Entry(ids[(v[0], v[1])], v[0], v[1], v[2], v[3], v[4][3:-4]) for v in versions])
    return len(added)
