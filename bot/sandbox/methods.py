"""Argument specs for the Slack Web API methods the sandbox serves.

This module holds plain data: which arguments each method requires and accepts,
and which error Slack answers with when a required argument is missing.

One table of plain data, over the house's 400 lines on purpose: one entry per Web API
method the bot calls, each with where its arguments came from, and a reader checks an
entry against Slack's reference with the sources below beside it.

Where the data came from
------------------------
1. Slack's published OpenAPI spec: repository ``slackapi/slack-api-specs``,
   file ``web-api/slack_web_openapi_v2.json`` (spec ``info.version`` 1.7.0).
   That file last changed in commit dfea73e06d146c368d7f94b52ac90796dc4e27e1
   (2020-10-06, "October 2020 spec updates"). The repository head I read was
   bc08db49625630e3585bf2f1322128ea04f2a7f3 (2021-09-03). The spec is old. It
   has no ``files.getUploadURLExternal`` or ``files.completeUploadExternal``,
   no ``metadata`` or ``markdown_text``, and it marks some arguments as optional
   that are in fact required (for example ``chat.delete`` ``channel``/``ts`` and
   ``conversations.history`` ``channel``).
2. The current method reference at docs.slack.dev, read from the machine-readable
   copy in ``slack-ruby/slack-api-ref``, directory ``docs.slack.dev/methods/``
   (commit f4837c0cb6dba1b1122ce66a5b69195ce47213f8, 2026-08-20). Required and
   optional arguments follow this copy unless a comment says otherwise.
3. python-slack-sdk's ``slack_sdk/web/client.py``: the installed slack_sdk
   3.48.0 in ``/work/main/.venv``, checked against ``slackapi/python-slack-sdk``
   commit ae87985e2c3811ead978f31ea5a1e4a7ca5c3515. I used it for the
   ``sdk_body`` field and for arguments the SDK sends that the docs omit
   (chat.postMessage ``container_id``, team.info
   ``include_slackbot_availability``).
4. The ``[ERROR] missing required field: ...`` message format: docs.slack.dev
   (conversations.setTopic example) and the remote-API tests in
   ``slackapi/java-slack-sdk`` (commit 86ff7ca9915e21882def04c2d579ac02503f95fe).

How slack_sdk sends requests (sync ``WebClient``, slack_sdk 3.48)
-----------------------------------------------------------------
* Every request is an HTTP POST to ``<base_url><method>``, even methods declared
  with ``http_verb="GET"``. The token goes in the ``Authorization: Bearer ...``
  header. If a caller passes ``token=`` as a kwarg, the SDK moves it into the
  header. Slack also accepts ``token`` as a POST parameter.
* ``sdk_body == "json"``: the body is ``application/json;charset=utf-8``.
  ``blocks``, ``attachments``, ``metadata`` and ``view`` arrive as JSON
  arrays/objects, not strings, unless the caller passed a string. Booleans stay
  JSON ``true``/``false``. ``None`` values are dropped.
* ``sdk_body == "form"``: the body is ``application/x-www-form-urlencoded``.
  Booleans become ``"1"``/``"0"`` and ``None`` values are dropped. List
  arguments are joined with commas: ``conversations.open`` ``users``,
  ``conversations.list`` ``types`` and ``files.completeUploadExternal``
  ``channels``. ``files.completeUploadExternal`` ``files`` is sent as a
  JSON-encoded string.
* The spec and docs say ``view`` is "a JSON-encoded string" (form body). slack_sdk
  sends it as an object inside a JSON body. Accept both.
* ``AsyncWebClient`` (aiohttp) passes the form arguments as ``params=``, so they
  arrive in the URL query string rather than the body. For methods declared as
  GET, the HTTP method is GET. The sandbox should merge the query string, the
  form body and the JSON body.
* With ``WebClient(team_id=...)``, slack_sdk adds ``team_id`` to every request
  (see ``CLIENT_ADDED_ARGS``).

Sandbox conventions (sandbox policy, not Slack behaviour)
---------------------------------------------------------
* A method not in ``METHODS`` gets ``{"ok": false, "error": "unknown_method"}``.
  The docs describe unknown_method as "This method does not exist."
* An argument not in ``required | optional`` (apart from ``TRANSPORT_ARGS`` and
  ``CLIENT_ADDED_ARGS``) gets ``invalid_arguments``. Real Slack usually ignores
  unknown arguments. The sandbox is stricter on purpose, to catch typos.
* A missing required argument gets ``missing_error[arg]``. The default is
  ``invalid_arguments``, with ``response_metadata.messages`` in the format shown
  in ``ERRORS_DOC``.
* ``one_of[i]`` is a group of arguments of which at least one must be present.
  If none is present, the answer is ``one_of_error[i]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class MethodSpec:
    # Arguments Slack requires. Excludes `token`, which arrives in the
    # Authorization header.
    required: frozenset[str]
    # Every other argument Slack accepts for this method.
    optional: frozenset[str]
    # Error code for a missing required argument, where known. Default:
    # "invalid_arguments".
    missing_error: dict[str, str] = field(default_factory=dict)
    # Groups of arguments of which at least one must be present.
    one_of: tuple[frozenset[str], ...] = ()
    # Error code for each group in `one_of` (same index).
    one_of_error: tuple[str, ...] = ()
    # How python-slack-sdk sends this method: "json" body or "form" body.
    sdk_body: str = "form"


DEFAULT_MISSING_ERROR = "invalid_arguments"

# Accepted on every method, never part of a method's own arguments.
TRANSPORT_ARGS: frozenset[str] = frozenset({"token"})

# slack_sdk adds these to every request when the client is built with them
# (WebClient(team_id=...)).
CLIENT_ADDED_ARGS: frozenset[str] = frozenset({"team_id"})

# Message content of chat.*: at least one must be given. Docs for blocks and
# attachments say "The `text` field is not enforced as required when using
# `blocks` or `attachments`". markdown_text is the newer alternative to text
# (docs: "should not be used in conjunction with `blocks` or `text`";
# error markdown_text_conflict).
_MESSAGE_CONTENT = frozenset({"text", "blocks", "attachments", "markdown_text"})


# Methods called with the app-level token (xapp-...), which every other method refuses.
APP_TOKEN_METHODS: frozenset[str] = frozenset({"apps.connections.open"})


METHODS: dict[str, MethodSpec] = {
    # ------------------------------------------------------------------ apps
    # Socket Mode: a WebSocket URL for the app to connect to (bot/sandbox/socket_mode.py). No arguments.
    "apps.connections.open": MethodSpec(
        required=frozenset(),
        optional=frozenset(),
    ),
    # ------------------------------------------------------------------ auth
    "auth.test": MethodSpec(
        required=frozenset(),
        optional=frozenset(),
        missing_error={},
    ),
    # ------------------------------------------------------------------ chat
    "chat.postMessage": MethodSpec(
        required=frozenset({"channel"}),
        optional=frozenset({
            "text", "blocks", "attachments", "markdown_text",
            "as_user", "icon_emoji", "icon_url", "link_names", "mrkdwn",
            "parse", "reply_broadcast", "thread_ts", "unfurl_links",
            "unfurl_media", "username",
            "metadata",                        # docs; not in the 2020 spec
            "current_draft_last_updated_ts",   # docs; not in the 2020 spec
            "container_id",                    # sent by slack_sdk; not in docs
        }),
        missing_error={"channel": "channel_not_found"},
        one_of=(_MESSAGE_CONTENT,),
        one_of_error=("no_text",),
        sdk_body="json",
    ),
    "chat.postEphemeral": MethodSpec(
        required=frozenset({"channel", "user"}),
        optional=frozenset({
            "text", "blocks", "attachments", "markdown_text",
            "as_user", "icon_emoji", "icon_url", "link_names", "parse",
            "thread_ts", "username",
            "metadata",                        # docs; slack_sdk does not send it
        }),
        missing_error={
            "channel": "channel_not_found",
            # Guess: the docs say "Intended recipient is not in the specified
            # channel." No source shows the answer for a missing `user`.
            "user": "user_not_in_channel",
        },
        one_of=(_MESSAGE_CONTENT,),
        one_of_error=("no_text",),
        sdk_body="json",
    ),
    "chat.update": MethodSpec(
        required=frozenset({"channel", "ts"}),
        optional=frozenset({
            "text", "blocks", "attachments", "markdown_text",
            "as_user", "link_names", "parse",
            "reply_broadcast",                 # docs + slack_sdk
            "file_ids",                        # docs + slack_sdk (comma-joined)
            "metadata",                        # docs + slack_sdk
            "unfurled_attachments",            # docs only
        }),
        missing_error={
            "channel": "channel_not_found",
            "ts": "message_not_found",         # docs: "No message exists with the requested timestamp."
        },
        # no_text is documented for chat.update. Counting file_ids as content
        # is a guess: the docs say it gives "new file ids that will be sent
        # with this message".
        one_of=(_MESSAGE_CONTENT | {"file_ids"},),
        one_of_error=("no_text",),
        sdk_body="json",
    ),
    "chat.delete": MethodSpec(
        required=frozenset({"channel", "ts"}),  # the 2020 spec marks both optional; current docs require them
        optional=frozenset({"as_user"}),
        missing_error={
            "channel": "channel_not_found",
            "ts": "message_not_found",         # guess, from the documented error description
        },
        sdk_body="form",
    ),
    "chat.getPermalink": MethodSpec(
        required=frozenset({"channel", "message_ts"}),
        optional=frozenset(),
        missing_error={
            "channel": "channel_not_found",
            "message_ts": "message_not_found",  # docs: "message identified by `message_ts` could not be found"
        },
        sdk_body="form",                        # http_verb GET in slack_sdk
    ),
    "chat.scheduleMessage": MethodSpec(
        required=frozenset({"channel", "post_at"}),
        optional=frozenset({
            "text", "blocks", "attachments", "markdown_text",
            "as_user", "link_names", "parse", "reply_broadcast", "thread_ts",
            "unfurl_links", "unfurl_media",
            "metadata",                        # docs + slack_sdk
        }),
        missing_error={
            "channel": "channel_not_found",
            "post_at": "invalid_time",         # docs: "value passed for `post_time` was invalid."
        },
        # java-slack-sdk remote tests: from May 2021, blocks without text gave
        # invalid_arguments "[ERROR] missing required field: text". That
        # "no longer fails starting on Feb 3, 2025".
        one_of=(_MESSAGE_CONTENT,),
        one_of_error=("no_text",),
        sdk_body="json",
    ),
    # ----------------------------------------------------------------- views
    # The 2020 spec marks trigger_id as required for views.open and views.push.
    # Current docs make it optional, with interactivity_pointer as the
    # alternative. slack_sdk sends either one.
    "views.open": MethodSpec(
        required=frozenset({"view"}),
        optional=frozenset({"trigger_id", "interactivity_pointer"}),
        missing_error={"view": "invalid_arguments"},
        one_of=(frozenset({"trigger_id", "interactivity_pointer"}),),
        one_of_error=("invalid_arguments",),
        sdk_body="json",
    ),
    "views.push": MethodSpec(
        required=frozenset({"view"}),
        optional=frozenset({"trigger_id", "interactivity_pointer"}),
        missing_error={"view": "invalid_arguments"},
        one_of=(frozenset({"trigger_id", "interactivity_pointer"}),),
        one_of_error=("invalid_arguments",),
        sdk_body="json",
    ),
    "views.update": MethodSpec(
        required=frozenset({"view"}),
        optional=frozenset({"view_id", "external_id", "hash"}),
        missing_error={"view": "invalid_arguments"},
        # Docs: "Either `view_id` or `external_id` is required." slack_sdk
        # raises SlackRequestError before sending if both are absent. The error
        # code is a guess (it could also be "not_found").
        one_of=(frozenset({"view_id", "external_id"}),),
        one_of_error=("invalid_arguments",),
        sdk_body="json",
    ),
    "views.publish": MethodSpec(
        required=frozenset({"user_id", "view"}),
        optional=frozenset({"hash", "interactivity_pointer"}),  # interactivity_pointer: docs only
        missing_error={"user_id": "invalid_arguments", "view": "invalid_arguments"},
        sdk_body="json",
    ),
    # ----------------------------------------------------------------- users
    "users.info": MethodSpec(
        required=frozenset({"user"}),           # the 2020 spec marks it optional
        optional=frozenset({"include_locale"}),
        missing_error={"user": "user_not_found"},
        sdk_body="form",                        # http_verb GET in slack_sdk
    ),
    "users.lookupByEmail": MethodSpec(
        required=frozenset({"email"}),
        optional=frozenset(),
        # Guess: users_not_found is the only method-specific error documented.
        missing_error={"email": "users_not_found"},
        sdk_body="form",                        # http_verb GET in slack_sdk
    ),
    # --------------------------------------------------------- conversations
    "conversations.open": MethodSpec(
        required=frozenset(),
        optional=frozenset({"channel", "users", "return_im", "prevent_creation"}),
        missing_error={},
        # Docs: users_list_not_supplied = "Missing `users` in request". The
        # channel docs say "Or provide the `users` field instead". slack_sdk
        # raises before sending if both are absent.
        one_of=(frozenset({"channel", "users"}),),
        one_of_error=("users_list_not_supplied",),
        sdk_body="form",
    ),
    "conversations.info": MethodSpec(
        required=frozenset({"channel"}),
        optional=frozenset({"include_locale", "include_num_members"}),
        missing_error={"channel": "channel_not_found"},
        sdk_body="form",                        # http_verb GET in slack_sdk
    ),
    "conversations.list": MethodSpec(
        required=frozenset(),
        optional=frozenset({"cursor", "exclude_archived", "limit", "team_id", "types"}),
        missing_error={},
        sdk_body="form",                        # http_verb GET; `types` comma-joined
    ),
    "conversations.history": MethodSpec(
        required=frozenset({"channel"}),
        optional=frozenset({
            "cursor", "include_all_metadata", "inclusive", "latest", "limit",
            "oldest",
            # Not in the docs' argument list, but named by the documented
            # error invalid_metadata_filter_keys.
            "metadata_keys_to_include",
        }),
        # The docs example error is channel_not_found. Possible alternative:
        # invalid_arguments "[ERROR] missing required field: channel" (seen
        # only in an unofficial transcript).
        missing_error={"channel": "channel_not_found"},
        sdk_body="form",                        # http_verb GET in slack_sdk
    ),
    "conversations.replies": MethodSpec(
        required=frozenset({"channel", "ts"}),
        optional=frozenset({
            "cursor", "include_all_metadata", "inclusive", "latest", "limit",
            "oldest",
            "metadata_keys_to_include",         # same note as conversations.history
        }),
        missing_error={
            "channel": "channel_not_found",     # docs: "Value for `channel` was missing or invalid."
            "ts": "thread_not_found",           # docs: "Value for `ts` was missing or invalid."
        },
        sdk_body="form",                        # http_verb GET in slack_sdk
    ),
    "conversations.members": MethodSpec(
        required=frozenset({"channel"}),
        optional=frozenset({"cursor", "limit"}),
        missing_error={"channel": "channel_not_found"},
        sdk_body="form",                        # http_verb GET in slack_sdk
    ),
    "conversations.join": MethodSpec(
        required=frozenset({"channel"}),
        optional=frozenset(),
        missing_error={"channel": "channel_not_found"},
        sdk_body="form",
    ),
    "conversations.create": MethodSpec(
        required=frozenset({"name"}),
        optional=frozenset({"is_private", "team_id"}),
        # Docs: invalid_name_required = "Value passed for `name` was empty."
        # (no_channel and missing_argument are also documented; choice is a guess.)
        missing_error={"name": "invalid_name_required"},
        sdk_body="form",
    ),
    # ----------------------------------------------------------------- files
    # Neither method is in the 2020 spec. Arguments come from the docs and
    # slack_sdk.
    "files.getUploadURLExternal": MethodSpec(
        required=frozenset({"filename", "length"}),
        optional=frozenset({"alt_txt", "snippet_type"}),
        # Guess. The docs also list missing_argument ("Typically only occurs
        # when the `length` provided is 0").
        missing_error={"filename": "invalid_arguments", "length": "invalid_arguments"},
        sdk_body="form",
    ),
    "files.completeUploadExternal": MethodSpec(
        required=frozenset({"files"}),          # JSON-encoded list of {"id", "title"?}
        optional=frozenset({
            "channel_id", "channels", "initial_comment", "thread_ts",
            "blocks", "username", "icon_url", "icon_emoji",  # docs; slack_sdk sends only via **kwargs
        }),
        missing_error={"files": "invalid_arguments"},  # guess
        sdk_body="form",
    ),
    # ------------------------------------------------------------- reactions
    "reactions.add": MethodSpec(
        required=frozenset({"channel", "name", "timestamp"}),
        optional=frozenset(),
        missing_error={
            # Docs: no_item_specified = "combination of `channel` and
            # `timestamp` was not specified."
            "channel": "no_item_specified",
            "timestamp": "no_item_specified",
            "name": "invalid_name",             # guess: "Value passed for `name` was invalid."
        },
        sdk_body="form",
    ),
    # ------------------------------------------------------------------ team
    "team.info": MethodSpec(
        required=frozenset(),
        optional=frozenset({
            "team", "domain",
            "include_slackbot_availability",    # sent by slack_sdk 3.48; not in docs
        }),
        missing_error={},
        sdk_body="form",                        # http_verb GET in slack_sdk
    ),
}


# Shapes of Slack's error responses, as documented. Slack sends these with
# HTTP 200; `ok` tells success from failure. Rate limiting is the exception.
ERRORS_DOC: dict[str, object] = {
    # Basic error (every method's "default" response in the OpenAPI spec).
    "basic": {"ok": False, "error": "channel_not_found"},
    # invalid_arguments with explanations. The OpenAPI spec's views.* examples:
    "invalid_arguments.spec_views_open": {
        "ok": False, "error": "invalid_arguments",
        "response_metadata": {"messages": ["invalid `trigger_id`"]},
    },
    "invalid_arguments.spec_views_push": {
        "ok": False, "error": "invalid_arguments",
        "response_metadata": {"messages": ["missing required field: title"]},
    },
    # Newer format, with an "[ERROR] " prefix. docs.slack.dev,
    # conversations.setTopic example:
    "invalid_arguments.docs_missing_field": {
        "ok": False, "error": "invalid_arguments",
        "response_metadata": {"messages": ["[ERROR] missing required field: topic"]},
    },
    # docs.slack.dev, admin.conversations.bulkArchive example (a field-level
    # error with a json-pointer):
    "invalid_arguments.docs_json_pointer": {
        "ok": False, "error": "invalid_arguments",
        "response_metadata": {"messages": [
            "[ERROR] no more than 100 items allowed [json-pointer:/channel_ids]"]},
    },
    # The template the sandbox uses for a missing required argument. The same
    # format appears in java-slack-sdk remote tests: "[ERROR] missing required
    # field: team_id", "[ERROR] missing required field: text".
    "missing_field_message_template": "[ERROR] missing required field: {field}",
    # Scope errors carry the needed and provided scopes (spec example,
    # admin.apps.requests.list):
    "missing_scope": {
        "ok": False, "error": "missing_scope",
        "needed": "admin.apps:read", "provided": "read,client,admin,identify,post,apps",
    },
    # Success responses can carry warnings (spec example for conversations.join):
    "warning_on_success": {
        "ok": True, "warning": "already_in_channel",
        "response_metadata": {"warnings": ["already_in_channel"]},
    },
    # Error descriptions as the docs give them.
    "descriptions": {
        "invalid_arguments": "The method was called with invalid arguments.",
        "unknown_method": "This method does not exist.",
        "not_authed": "No authentication token provided.",
        "invalid_auth": "Some aspect of authentication cannot be validated. Either the provided "
                        "token is invalid or the request originates from an IP address "
                        "disallowed from making the request.",
        "ratelimited": "The request has been ratelimited. Refer to the Retry-After header for "
                       "when to retry the request.",
    },
}
