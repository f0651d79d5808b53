"""/-/databases (and .json) without the server's file paths.

Datasette's own list shows each database's local path, which tells a visitor how the server's
disk is laid out. This route takes precedence over Datasette's and shows the same list with the
file name only.
"""
import json
from pathlib import Path

from datasette import hookimpl
from datasette import Response


def public_database_info(databases):
    """What Datasette's own list shows for each served database (its internal one left out),
    from the Database objects' public attributes, with the file's name only."""
    return [
        {"name": name, "path": Path(db.path).name if db.path else None, "size": db.size,
         "is_mutable": db.is_mutable, "is_memory": db.is_memory, "hash": db.hash}
        for name, db in databases.items()
        if name != "_internal"
    ]


async def databases_view(datasette, request):
    data = public_database_info(datasette.databases)
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
