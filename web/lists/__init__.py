"""The desk's lists: one module per list, holding what it reads, the line it makes of each row and the query
of one page; the list's template (``templates/web/...``) holds the columns' headers and cells."""
