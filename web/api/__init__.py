"""The REST API (``/api/v1/``): the desk's data for other systems, under the pages' rules.

A view here does what a page's view does: ``request_for``/``visible_requests`` to fetch, ``can`` to decide, a
service to write, the presenters (``web.presenters``) for what a reader may see and ``access_log_reveals`` for the
restricted content it returns. Serializers only shape the presenters' views into JSON; they never query.
"""
