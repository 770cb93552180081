"""The load test (``manage.py loadtest``): the locustfile, the plan of its people, the processes, the checks."""
