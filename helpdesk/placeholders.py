"""What a person reads in place of content they may not see, or that retention removed.

The domain's wording, shared by the pages (``web.presenters``) and the notifications (which never carry
content), so that "withheld" and "anonymised" read the same wherever they appear.
"""

from django.utils.translation import gettext_lazy as _

WITHHELD = _("Withheld: restricted content, visible only to the regional hub and the management unit.")
ANONYMISED = _("Removed: this request was anonymised after the retention period.")
ANONYMISED_TITLE = _("Anonymised request")
# A restricted request's title may itself be sensitive: notifications, which leave the desk, name it so.
WITHHELD_TITLE = _("(title withheld: restricted request)")
