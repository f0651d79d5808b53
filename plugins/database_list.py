"""/-/databases (and .json) without the server's file paths.

Datasette's own list shows each database's local path, which tells a visitor how the server's
disk is laid out. This route takes precedence over Datasette's and shows the same list with the
file name only.
"""
import json
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import Response


def public_database_info(databases):
    """Datasette's connected-database dicts with `path` reduced to the file's name."""
    return [dict(d, path=Path(d["path"]).name if d.get("path") else None) for d in databases]


async def databases_view(datasette, request):
    data = public_database_info(datasette._connected_databases())
    if request.url_vars.get("format") == "json":
        return Response.json(data)
    html = await datasette.render_template(
        "show_json.html", {"filename": "databases.json", "data_json": json.dumps(data, indent=4)},
        request=request,
    )
    return Response.html(html)


@hookimpl
def register_routes():
    return [(r"^/-/databases(\.(?P<format>json))?$", databases_view)]
