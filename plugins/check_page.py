"""/check: paste words, get the archived wording. /check (HTML with a form), /check.json and
/check.csv, GET only, so a check is a link to share. The work is in article_facts/check/
(params: the parameters, 400 on bad ones; lookup: one check; search: FTS5 candidates;
results: verdicts)."""
from datasette import hookimpl
from datasette import NotFound, Response

from article_facts.check.export import csv_body
from article_facts.check.params import CheckRequestError, check_params
from article_facts.check.lookup import check
from article_facts.check.words import PART_JOINER
from article_facts.contract import DATABASE_NAME as DB
from article_facts.origin import public_url



class Urls:
    """Links for the answer: a path under base_url, and the public address a citation gives."""

    def __init__(self, datasette, request):
        self.datasette, self.request = datasette, request

    def path(self, path):
        return self.datasette.urls.path(path)

    def canonical(self, path):
        return public_url(self.datasette, self.datasette.urls.path(path), self.request)


def page_urls(datasette, request):
    path = datasette.urls.path("/check")
    query = request.query_string
    suffix = f"?{query}" if query else ""
    return {"canonical": public_url(datasette, path, request) + suffix, "json": f"{path}.json{suffix}",
            "csv": f"{path}.csv{suffix}", "form": path}


async def check_view(datasette, request):
    fmt = request.url_vars.get("format") or "html"
    if DB not in datasette.databases:
        raise NotFound(f"/check reads the database named {DB!r} (serve facts.db)")
    urls = page_urls(datasette, request)
    try:
        q, speaker, lang = check_params(request.args)
        if q is None and fmt != "html":
            raise CheckRequestError("q is missing: /check.json?q=the+words+to+check")
    except CheckRequestError as error:
        return await bad_request(datasette, request, fmt, str(error), urls)
    data = {"query": None, "speaker": speaker or None, "lang": lang or None, "matches": []}
    if q is not None:
        data = await check(datasette.get_database(DB), q, Urls(datasette, request), speaker, lang)
    if fmt == "json":
        return Response.json(data)
    if fmt == "csv":
        return Response(csv_body(data), content_type="text/csv; charset=utf-8",
                        headers={"content-disposition": 'attachment; filename="check.csv"'})
    return await html_page(datasette, request, data, urls)


def diff_view(diff):
    """The diff as the page marks it: archived words before the first and after the last
    matching word are the longer quote's context (greyed), and a split quote's joining
    ellipsis is where its attribution stood: neither is a deletion."""
    equal = [i for i, (op, _, _) in enumerate(diff) if op == "equal"]
    first, last = (equal[0], equal[-1]) if equal else (len(diff), -1)
    return [{"op": view_op(op, archived, not first <= i <= last), "archived": archived, "pasted": pasted}
            for i, (op, archived, pasted) in enumerate(diff)]


def view_op(op, archived, outside):
    if op == "delete" and outside:
        return "context"
    if op == "delete" and archived == PART_JOINER.strip():
        return "joiner"  # where the attribution splits the quote: nothing was dropped
    return op


async def html_page(datasette, request, data, urls, error=None, status=200):
    matches = [dict(m, diff_view=diff_view(m["diff"])) for m in data["matches"]]
    context = {"data": dict(data, urls=urls, matches=matches), "error": error}
    return Response.html(await datasette.render_template("check.html", context, request=request, view_name="page"),
                         status=status)


async def bad_request(datasette, request, fmt, message, urls):
    if fmt == "json":
        return Response.json({"ok": False, "error": message, "status": 400}, status=400)
    if fmt == "csv":
        return Response.text(f"400 Bad Request: {message}\n", status=400)
    form = {"query": request.args.get("q", "")[:5000], "speaker": request.args.get("speaker", "")[:200],
            "lang": request.args.get("lang", "")[:20], "matches": []}
    return await html_page(datasette, request, form, urls, error=message, status=400)


@hookimpl
def register_routes():
    return [(r"^/check(\.(?P<format>json|csv))?$", check_view)]
