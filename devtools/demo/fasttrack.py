"""The demo's incident fast track: Saïda asked for urgent help last evening, after an arson attack on a community
centre. Filed by its focal point through the product's own service (``workflows.incidents.incident_file``) at
that moment of the story, so the request is on the fast track with its deadline in hours, its audit row, and the
alerts the MENA hub's staff, its lead and the management unit received at once. The desk's deadline sweep (its
schedule, once ``make run`` serves) escalates it when half its time has passed.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time, timedelta

from django.utils import timezone, translation

from devtools.demo.timeline import clock
from helpdesk.models import City, SupportRequest, Theme, User
from workflows.incidents import incident_file

CITY = "Saïda"
FOCAL_POINT = "focal.saida"
# Where Saïda is: "last evening" is read on its clock.
ZONE = zoneinfo.ZoneInfo("Asia/Beirut")
FILED_AT = time(20, 30)
# Never filed so long ago that the demo opens on an overdue request: at most this long before the seed runs.
AT_MOST_AGO = timedelta(hours=20)
INCIDENT_BEFORE = timedelta(hours=3, minutes=15)
WHAT_HAPPENED = (
    "أُضرمت النار مساء اليوم في مركز مجتمعي قرب السوق القديم، وتداولت حسابات على مواقع التواصل رسائل تحمّل"
    " إحدى الجاليات المسؤولية. البلدية تعقد اجتماعًا طارئًا غدًا صباحًا مع الأجهزة المحلية وممثلي الأحياء."
)
HELP_NEEDED = "نحتاج إلى مشورة عاجلة لتنظيم اجتماع مجتمعي يهدّئ التوتر، وإلى مساعدة في صياغة أول تصريح لرئيس البلدية."


def _last_evening(now: datetime) -> datetime:
    """The evening before ``now`` on Saïda's clock (or, seeded late in the day, ``AT_MOST_AGO`` before it)."""
    local = timezone.localtime(now, ZONE)
    evening = datetime.combine(local.date() - timedelta(days=1), FILED_AT, tzinfo=ZONE)
    return max(evening, now - AT_MOST_AGO)


def seed_fast_track(*, now: datetime | None = None) -> int:
    """File Saïda's incident request last evening, once; returns how many were filed (0 on a second run)."""
    city = City.objects.filter(name=CITY).first()
    focal = User.objects.filter(username=FOCAL_POINT).first()
    if city is None or focal is None:
        return 0
    filed = SupportRequest.objects.filter(city=city, theme=Theme.INCIDENT_RESPONSE, fast_tracked_at__isnull=False)
    if filed.exists():
        return 0
    moment = _last_evening(now or timezone.now())
    with clock(moment), translation.override("ar"), timezone.override(ZONE):
        incident_file(
            city=city,
            filed_by=focal,
            what_happened=f"<p>{WHAT_HAPPENED}</p>",
            incident_at=moment - INCIDENT_BEFORE,
            help_needed=HELP_NEEDED,
            language="ar",
        )
    return 1
