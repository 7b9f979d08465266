from django.apps import AppConfig


class SearchConfig(AppConfig):
    """The search box in the nav bar: every kind of object, as far as the user may see."""

    name = "ganeti_webmgr.search"
    verbose_name = "Search"
