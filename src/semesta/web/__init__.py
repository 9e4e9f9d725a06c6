"""The web application: the product district officers and puskesmas staff use.

A Django project that is also its only app (label ``web``). Pages read only Django's database;
the pipeline's results are *published* into it after each job (see :mod:`semesta.web.publish`),
so no request ever opens the DuckDB workspace while a job writes it. See docs/architecture.md,
section "Web application".
"""
