"""Public holidays of a country (and subdivision), from the ``holidays`` package, in English where it can.

Kept apart from the open-time arithmetic: it is the one place the bot reads the
``holidays`` package, and it caches each country's year as a plain dict. The package is imported by the first
calendar with holidays worked out, not when the bot starts (its calendars take a tenth of a second to import).
"""
from __future__ import annotations

import functools
from datetime import date


@functools.lru_cache(maxsize=None)
def holiday_language(country: str, subdiv: str | None) -> str | None:
    """An English name list for the country, if the package has one.

    Reasons are read by English-speaking service managers, so "Christmas
    Day" beats "Noël"; countries without English names keep their default.
    Raises ValueError for a country or subdivision the package does not know.
    """
    import holidays as holidays_lib

    try:
        entity = holidays_lib.country_holidays(country, subdiv=subdiv, years=())
    except NotImplementedError as exc:
        if subdiv is not None and "subdivision" in str(exc).lower():
            raise ValueError(
                f"unknown holiday subdivision {subdiv!r} for {country}; "
                f"use a code such as ENG for GB or CA for US"
            ) from None
        raise ValueError(
            f"unknown holiday country {country!r}; use an ISO 3166 code such as GB, FR, US or IN"
        ) from None
    languages = getattr(entity, "supported_languages", ()) or ()
    for preferred in ("en_GB", "en_US", "en_IN"):
        if preferred in languages:
            return preferred
    return None


@functools.lru_cache(maxsize=1024)
def holidays_in(country: str, subdiv: str | None, year: int) -> dict[date, str]:
    """Public holidays of one year as a plain dict (cached per country, subdivision, year)."""
    language = holiday_language(country, subdiv)
    # Neighbouring years too: a holiday observed on 31 Dec may belong to the next year's list.
    import holidays as holidays_lib

    entity = holidays_lib.country_holidays(
        country, subdiv=subdiv, years=(year - 1, year, year + 1), language=language
    )
    # A plain dict: the package's own object silently adds years on lookup.
    return {day: name for day, name in entity.items() if day.year == year}


def supported_countries() -> dict[str, list[str]]:
    """The countries the package knows, each with its subdivisions' codes."""
    import holidays as holidays_lib

    return holidays_lib.list_supported_countries()
