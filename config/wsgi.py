import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Everything loaded so far (Django, the apps and their modules) lives as long as the worker: moving it out
# of the cyclic collector's reach spares every request's collections from walking it again.
gc.freeze()
