"""The publishers' dataset editor in the web app."""

from __future__ import annotations

from flask import Flask, Response, g, request
from flask_babel import gettext
from werkzeug.exceptions import RequestEntityTooLarge

from portal.state import state


def state_label(value: str) -> str:
    return {"draft": gettext("draft"), "published": gettext("published"),
            "archived": gettext("deleted")}.get(value, value)


def revision_label(action: str) -> str:
    if action.startswith("restore:"):
        return gettext("restored version %(number)s", number=action.split(":", 1)[1])
    return {"create": gettext("created"), "edit": gettext("description edited"),
            "add_distribution": gettext("distribution added"),
            "remove_distribution": gettext("distribution removed"),
            "publish": gettext("published"), "unpublish": gettext("returned to draft"),
            "delete": gettext("deleted"),
            "detach": gettext("detached from its harvest source")}.get(action, action)


def init_editor(app: Flask) -> None:
    from portal.editor import views
    from portal.web.errors import render_error

    app.register_blueprint(views.bp)
    app.register_blueprint(views.files_bp)
    app.jinja_env.globals.update(state_label=state_label, revision_label=revision_label)

    @app.context_processor
    def upload_cap() -> dict[str, int]:
        return {"config_upload_max": state().settings.upload_max_bytes}

    def upload_limit() -> None:
        """An upload may exceed the app's general request limit, up to the upload cap; set
        before anything (the CSRF check) reads the form."""
        if request.endpoint == "editor.new_distribution":
            request.max_content_length = state().settings.upload_max_bytes + 256 * 1024

    app.before_request_funcs.setdefault(None, []).insert(0, upload_limit)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_exc: RequestEntityTooLarge) -> tuple[str | Response, int]:
        cap = g.get("upload_cap") or state().settings.upload_max_bytes  # an endpoint's own cap
        return render_error(413, gettext("Too large"),
                            gettext("The file is larger than %(size)s MB. Nothing was saved.",
                                    size=f"{round(cap / 1048576, 1):g}"))
