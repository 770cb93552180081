"""Signals the help desk sends; other apps listen (helpdesk itself never imports them).

Both are sent inside the sender's transaction: a listener that records rows does it atomically with the
change, and anything that leaves the database (e-mail) must wait for ``transaction.on_commit``.
"""

from django.dispatch import Signal

# sender=Message, message=<Message>, request=<SupportRequest>, author=<User>
message_posted = Signal()

# sender=SupportRequest, request_ids=<list[int]>: the requests' personal data is being removed; every app
# that keeps its own copy of request text (notification snapshots, audit reasons) must blank it now.
requests_anonymised = Signal()

# sender=Resource, resource=<Resource>, actor=<User>, action=<"submitted" | "returned" | "published" | "archived">:
# a resource of the hub changed state (``helpdesk.services.resources``), sent inside the change's transaction.
resource_moved = Signal()

# sender=Resource, resource=<Resource>, actor=<User>, step="asked" | "answered": the city's consent to a
# resource drawn from its request was asked or given (the notifications app tells the people concerned).
resource_consent = Signal()

# sender=City, city_id=<int>, before=<str>: a city's country changed from ``before`` (an ISO code) to the one its
# row holds now, inside the change's transaction (``helpdesk.services.cities.city_update``, the admin's edit): the
# figures kept per country (the needs map's tally) move its requests to the new country.
city_country_changed = Signal()
