"""Arabic number formats, over Django's own (``django/conf/locale/ar/formats.py``, which never groups).

The desk writes digits as 0-9 in every language, so Arabic takes CLDR's separators for Latin digits in
Arabic ("12,500.50", as ``Intl.NumberFormat("ar-u-nu-latn")`` writes it) and groups by thousands.
"""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
