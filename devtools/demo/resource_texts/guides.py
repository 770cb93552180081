"""Guides written by the hubs (and one by the central team for the whole network)."""

from __future__ import annotations

from devtools.demo.resource_texts import DemoResource, K, Text

GUIDES = [
    DemoResource(
        K.GUIDE,
        ("global_crises", "local_democracy"),
        (3,),
        None,
        (
            Text(
                "fr",
                "hub.central",
                "Quand une crise lointaine divise la ville : guide pour un dialogue local",
                "Comment une municipalité peut ouvrir un espace de dialogue quand un conflit à l'étranger "
                "provoque des tensions entre habitants.",
                """## Le constat

Une guerre ou une crise à des milliers de kilomètres peut se traduire en insultes à la sortie d'une école,
en tags sur un lieu de culte ou en manifestations opposées sur la même place. La ville ne règle pas la crise,
mais elle peut éviter qu'elle fracture le quartier.

## Ce que la ville peut faire

1. **Parler tôt** : un message du maire qui rappelle que chaque habitant est protégé, quelle que soit son
   origine ou sa religion.
2. **Écouter** : réunir séparément, puis ensemble, les responsables associatifs et religieux concernés.
3. **Encadrer l'espace public** : autoriser les rassemblements dans des lieux et à des heures qui évitent
   la confrontation.
4. **Soutenir les écoles** : donner aux enseignants des repères pour parler de l'actualité en classe.

## Ce qu'il faut éviter

- Prendre position sur le conflit lui-même au nom de la ville.
- Laisser les seuls réseaux sociaux raconter ce qui se passe dans le quartier.
""",
            ),
            Text(
                "en",
                "mu.officer",
                "When a distant crisis divides the city: a guide to local dialogue",
                "How a municipality can open a space for dialogue when a conflict abroad causes tension between "
                "residents.",
                """## What happens

A war or crisis thousands of kilometres away can turn into insults outside a school, graffiti on a place
of worship or rival demonstrations on the same square. The city cannot settle the crisis, but it can keep
it from splitting the neighbourhood.

## What the city can do

1. **Speak early**: a message from the mayor that every resident is protected, whatever their origin or
   faith.
2. **Listen**: meet the community and faith leaders concerned, separately and then together.
3. **Manage public space**: allow gatherings at places and times that avoid confrontation.
4. **Support schools**: give teachers pointers for discussing the news in class.

## What to avoid

- Taking a position on the conflict itself in the city's name.
- Leaving social media alone to tell what is happening in the neighbourhood.
""",
            ),
            Text(
                "ar",
                "hub.mena.officer",
                "حين تقسم أزمة بعيدة المدينة: دليل للحوار المحلي",
                "كيف يمكن للبلدية أن تفتح فضاءً للحوار حين يثير نزاع في الخارج توترًا بين السكان.",
                """## ما الذي يحدث

قد تتحول حرب أو أزمة على بعد آلاف الكيلومترات إلى شتائم أمام مدرسة، أو كتابات على جدران دار عبادة، أو
مظاهرات متقابلة في الساحة نفسها. لا تستطيع المدينة حل الأزمة، لكنها تستطيع أن تمنعها من تمزيق الحي.

## ما يمكن للمدينة فعله

1. **التحدث مبكرًا**: رسالة من رئيس البلدية تؤكد أن كل ساكن محميّ أيًّا كان أصله أو دينه.
2. **الإصغاء**: لقاء القادة المجتمعيين والدينيين المعنيين، كلٌّ على حدة ثم معًا.
3. **تنظيم الفضاء العام**: السماح بالتجمعات في أماكن وأوقات تتفادى المواجهة.
4. **دعم المدارس**: تزويد المعلمين بإرشادات لمناقشة الأحداث في القسم.

## ما يجب تجنبه

- اتخاذ موقف من النزاع نفسه باسم المدينة.
- ترك وسائل التواصل الاجتماعي وحدها تروي ما يجري في الحي.
""",
            ),
        ),
        age=150,
    ),
    DemoResource(
        K.GUIDE,
        ("national_local",),
        (2,),
        "mena",
        (
            Text(
                "ar",
                "hub.mena",
                "العمل مع الوزارات: دليل لنقاط الاتصال البلدية",
                "كيف تبني البلدية قناة دائمة مع الوزارات المعنية بالوقاية، وكيف توصل إليها احتياجات المدينة.",
                """## لماذا التنسيق

تُصاغ كثير من برامج الوقاية على المستوى الوطني، لكن البلدية هي التي ترى أولى علامات التوتر. دون قناة
منتظمة تصل الاحتياجات المحلية متأخرة أو لا تصل أبدًا.

## خطوات عملية

1. **تحديد المحاورين**: وزارة الداخلية والشؤون الاجتماعية والتربية والشباب، وشخص واحد في كل منها.
2. **اقتراح إطار بسيط**: اجتماع كل شهرين، وجدول أعمال تعدّه البلدية، ومحضر مشترك.
3. **إحضار معطيات**: أرقام الخدمات البلدية ونتائج لقاءات الأحياء، لا الانطباعات.
4. **تسجيل ما تغيّر**: متى أخذت سياسة وطنية باقتراح محلي.

## أخطاء شائعة

- انتظار دعوة الوزارة بدل المبادرة.
- إرسال ممثل مختلف في كل اجتماع.
""",
            ),
            Text(
                "en",
                "hub.mena.officer",
                "Working with national ministries: a guide for municipal focal points",
                "How a municipality builds a standing channel to the ministries that work on prevention, and "
                "brings the city's needs to them.",
                """## Why coordinate

Many prevention programmes are designed nationally, but it is the municipality that sees the first signs
of tension. Without a regular channel, local needs arrive late or not at all.

## Practical steps

1. **Name your counterparts**: the ministries of the interior, social affairs, education and youth, and
   one person in each.
2. **Propose a simple frame**: a meeting every two months, an agenda the municipality prepares, shared
   minutes.
3. **Bring evidence**: figures from municipal services and what neighbourhood meetings said, not
   impressions.
4. **Record what changed**: when a national policy took up a local proposal.

## Common mistakes

- Waiting for the ministry to call instead of taking the first step.
- Sending a different person to every meeting.
""",
            ),
        ),
        age=560,
    ),
    DemoResource(
        K.GUIDE,
        ("global_crises", "incident_response"),
        (3,),
        "north-america",
        (
            Text(
                "en",
                "hub.north-america",
                "Countering online hate after a local incident: a guide for city communicators",
                "What a city's communication team can do in the days after an incident, when rumours and hate "
                "spread faster than the facts.",
                """## The first hours

- Publish a short holding statement: what happened, what the city is doing, where updates will appear.
- Agree with the police on who confirms facts; the city does not speculate.
- Name the city's values, not the suspects.

## The first days

1. Monitor the hashtags and local groups where rumours start, and correct the false claims that gain
   traction, once, with a source.
2. Amplify trusted community voices rather than answering every hostile post.
3. Report content that breaks platform rules through the trusted-flagger channels the city has set up in
   advance.

## Afterwards

Review with partners what travelled fastest and why. Keep a list of community accounts to contact next
time.
""",
            ),
        ),
        age=480,
    ),
    DemoResource(
        K.GUIDE,
        ("multi_agency",),
        (3,),
        "western-balkans",
        (
            Text(
                "en",
                "hub.western-balkans.officer",
                "Setting up a multi-agency case panel",
                "How a municipality brings schools, social services, health and police together to support "
                "people at risk of being drawn into violence, while respecting their rights.",
                """## What a panel is

A small group of professionals that meets regularly to agree on support for a person whose situation
worries more than one service. It offers help; it does not investigate.

## Setting it up

1. **Mandate**: a council decision naming the services that sit on the panel and its chair.
2. **Rules on information**: what may be shared, with whose consent, and how records are kept and
   deleted.
3. **Referral route**: one form and one contact point in the municipality; a first answer within ten
   working days.
4. **Support offer**: mentoring, education or job placement, family support, health services.

## Safeguards

- The person is told about the referral unless this would put someone in danger.
- An independent member reviews a sample of cases every year.
""",
            ),
        ),
        age=330,
    ),
    DemoResource(
        K.GUIDE,
        ("multi_agency", "national_local"),
        (3,),
        "central",
        (
            Text(
                "fr",
                "hub.central.officer",
                "Associer les chefs traditionnels et religieux à la prévention : guide pratique",
                "Comment une commune peut associer chefferies, imams, prêtres et pasteurs à son dispositif de "
                "prévention sans leur déléguer ce qui relève de l'État.",
                """## Pourquoi les associer

Dans bien des communes, les autorités traditionnelles et religieuses sont les premières à qui l'on confie
une inquiétude. Elles connaissent les familles, arbitrent les conflits et portent une parole écoutée.

## Comment faire

1. **Un cadre écrit** : une délibération du conseil qui crée un comité communal et précise son rôle.
2. **Une composition équilibrée** : chaque communauté représentée, des femmes et des jeunes parmi les
   membres.
3. **Des réunions régulières** : une fois par mois, avec un compte rendu partagé avec le maire.
4. **Une orientation claire** : le comité oriente vers les services ; il ne juge ni ne sanctionne.

## Points de vigilance

- Ne pas exposer publiquement les personnes signalées.
- Veiller à ce que le comité ne devienne pas l'instrument d'un seul groupe.
""",
            ),
        ),
        age=260,
    ),
    DemoResource(
        K.GUIDE,
        ("local_democracy",),
        (5,),
        "north-america",
        (
            Text(
                "en",
                "hub.north-america",
                "Protecting local elections from intimidation and disinformation",
                "What a city can do before, during and after a local election to protect candidates, election "
                "workers and voters from threats and false information.",
                """## Before the election

- Brief every candidate on how to report threats, and give them one contact in the city.
- Train election workers on de-escalation and on what to do if a polling place is disrupted.
- Publish plain-language information on how votes are cast and counted.

## During the campaign

1. Correct false claims about the voting process quickly, on the city's own channels.
2. Keep a log of threats against candidates and staff, shared with the police liaison.
3. Offer meeting rooms with basic security to every candidate on equal terms.

## After the vote

Thank election workers publicly, review incidents with them, and report to the council on what the city
will change before the next election.
""",
            ),
            Text(
                "fr",
                "hub.north-america.officer",
                "Protéger les élections locales de l'intimidation et de la désinformation",
                "Ce qu'une ville peut faire avant, pendant et après une élection locale pour protéger candidats, "
                "agents électoraux et électeurs des menaces et des fausses informations.",
                """## Avant l'élection

- Informer chaque candidat de la manière de signaler une menace et lui donner un contact à la ville.
- Former les agents électoraux à la désescalade et à la conduite à tenir si un bureau de vote est perturbé.
- Publier une information simple sur la manière dont les votes sont exprimés et comptés.

## Pendant la campagne

1. Corriger vite, sur les canaux de la ville, les fausses informations sur le scrutin.
2. Tenir un registre des menaces visant candidats et agents, partagé avec la liaison police.
3. Proposer à chaque candidat, à égalité, des salles de réunion sécurisées.

## Après le scrutin

Remercier publiquement les agents électoraux, revoir les incidents avec eux et présenter au conseil ce que
la ville changera avant la prochaine élection.
""",
            ),
        ),
        age=200,
    ),
    DemoResource(
        K.GUIDE,
        ("young_cities",),
        (4,),
        "mena",
        (
            Text(
                "ar",
                "hub.mena.officer",
                "دليل: إشراك الشباب في التخطيط البلدي",
                "طرق عملية تتيح للبلديات إشراك الشباب في إعداد خططها وميزانياتها، لا الاكتفاء باستشارتهم.",
                """## المبدأ

يشارك الشباب حين يرون أثر مشاركتهم. لذلك يجب أن تكون لكل مشاورة نتيجة واضحة يعرفها الجميع.

## أدوات مجرّبة

- **ورشات الأحياء**: يرسم الشباب خريطة لما يحتاجه حيّهم من مرافق وأنشطة.
- **الميزانية التشاركية**: تخصيص مبلغ محدد يختار الشباب مشاريعه بالتصويت.
- **سفراء الشباب**: شابة وشاب من كل حي يتابعان تنفيذ المشاريع مع المصالح البلدية.

## خطوات البداية

1. قرار من المجلس البلدي يحدد المبلغ والجدول الزمني.
2. شراكة مع المدارس والجمعيات للوصول إلى الشباب غير المنخرطين.
3. نشر النتائج وما تم إنجازه في نهاية السنة.

## تنبيه

لا تعِد الشباب بما لا تملك البلدية صلاحية تنفيذه.
""",
            ),
        ),
        age=380,
    ),
]
