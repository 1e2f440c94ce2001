"""The service map (competency 6.1): services, parties, and the links between them.

Locate the consumers of each service (customers), the groups that support it and
the suppliers behind it, and the activities conducted over each link.

- `records`: adding, finding and viewing services, parties (with their contacts) and links;
- `changes`: renaming and removing them, refused while anything uses them;
- `choices`: a page of services or parties for a select, by what was typed (`service_map.choices.services(...)`);
- `glance`: the map at a glance for the App Home: the first services and the counts;
- `owners`: each party's relationship owner (issue 17): naming them, and the DM that tells them first;
- `pages`: the map, a service's links and a party's a page at a time (only what is shown is read).

Callers use the public API re-exported here (`service_map.add_service(...)`).
"""
from bot.service_map import choices, glance, owners
from bot.service_map.pages import (customers_links_page, party_links_page, service_links_page, service_page, some_names,
                                   view_of)
from bot.service_map.records import (
    NAME_MAX,
    OTHER_ACTIVITIES,
    STANDARD_ACTIVITIES,
    TEXT_MAX,
    LinkView,
    PartyInput,
    PartyView,
    ServiceView,
    add_party,
    add_service,
    contact_roles,
    name_contact,
    contacts_of,
    place_contacts,
    find,
    get_party,
    get_service,
    known_names,
    link,
    list_parties,
    list_services,
    name_taken,
    parse_activities,
    party_view,
    service_views,
    services_of_party,
    taken_by,
)

__all__ = [
    "customers_links_page",
    "choices",
    "glance",
    "owners",
    "party_links_page",
    "service_links_page",
    "service_page",
    "some_names",
    "view_of",
    "NAME_MAX",
    "OTHER_ACTIVITIES",
    "STANDARD_ACTIVITIES",
    "TEXT_MAX",
    "LinkView",
    "PartyInput",
    "PartyView",
    "ServiceView",
    "add_party",
    "add_service",
    "contact_roles",
    "name_contact",
    "contacts_of",
    "place_contacts",
    "find",
    "get_party",
    "get_service",
    "known_names",
    "link",
    "list_parties",
    "list_services",
    "name_taken",
    "parse_activities",
    "party_view",
    "service_views",
    "services_of_party",
    "taken_by",
]
