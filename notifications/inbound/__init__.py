"""Replies by e-mail: a notification's Reply-To names its recipient and request (``tokens``); a reply that comes
back through an MTA's pipe (``manage.py receive_mail``) or the IMAP poller is read (``parse``) and becomes a
message on that request through the page's own service, or is refused without creating anything."""
