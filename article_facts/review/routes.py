"""The review plugin's hooks: /-/review and /-/review/<article id>, registered only on the
review server (review_mode.in_review_mode), so a Datasette for `make serve` or serve-prod in
the same process has no such route.

GET shows, POST changes (one action per form, Datasette's CSRF token in each). A POST must
also carry Datasette's CSRF cookie: asgi-csrf checks the form's token against it, but lets a
request with no cookies at all through, which is how a form on another site would arrive.
Saves run one at a time, each in a process of its own (saving.save_in_own_process), and the
server keeps answering meanwhile.
"""
import asyncio
from pathlib import Path

from datasette import Forbidden, NotFound, Response, hookimpl

from ..contract import DATABASE_NAME
from ..errors import BuildError
from ..live import publishing, serve_latest
from ..review_mode import PLUGIN, PREFIX, in_review_mode, review_path
from ..schema import SLUG_RE
from . import page_data, saving

CSRF_COOKIE = "ds_csrftoken"
SAVING = asyncio.Lock()


def from_this_site(request):
    """A review POST comes from a review page of this very server: Datasette's CSRF cookie is
    there (asgi-csrf lets a request with no cookies at all through), and what the browser says
    of the form's origin (Sec-Fetch-Site, and Origin when it names one) is this origin, not
    another site or another port of 127.0.0.1 (cookies are shared across ports, so a page
    there could read the token)."""
    if not request.cookies.get(CSRF_COOKIE):
        return False
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin", "null")  # "null" under our no-referrer policy
    return origin == "null" or origin == f"{request.scheme}://{request.host}"


def seeds_dir(datasette):
    return Path((datasette.plugin_config(PLUGIN) or {}).get("seeds", "seeds"))


def db_path(datasette):
    return datasette.get_database(DATABASE_NAME).path


async def review_list(request, datasette):
    if request.method not in ("GET", "HEAD"):
        return Response.text("405 Method Not Allowed: this page only shows\n", status=405)
    articles, drafts = await page_data.article_list(datasette.get_database(DATABASE_NAME))
    html = await datasette.render_template("review-list.html", {
        "articles": articles, "drafts": drafts,
        "limit": page_data.LIST_LIMIT, "review_path": review_path,
    }, request=request)
    return Response.html(html)


async def review_article(request, datasette):
    slug = request.url_vars["article_id"]
    if not SLUG_RE.match(slug):
        raise NotFound("No such article")
    error, status = None, 200
    if request.method == "POST":
        if not from_this_site(request):
            raise Forbidden("A review action must come from the review page (reload it and try again)")
        form = dict(await request.post_vars())
        form.pop("csrftoken", None)
        # a save reads nothing from the database until it shows the new version: no swap waits
        # for it, or supersedes it while it queues behind another save
        async with publishing(datasette), SAVING:
            try:
                summary, timings = await asyncio.to_thread(
                    saving.save_in_own_process, seeds_dir(datasette), db_path(datasette), slug, form)
            except BuildError as e:
                error, status = e.message(), 400
            else:
                await serve_latest(datasette)  # the next response (the redirect's page) shows it
        if error is None:
            datasette.add_message(request, f"Saved and published: {summary} (checked in {timings['check']:.2f} s, "
                                  f"published in {timings['build']:.2f} s).", datasette.INFO)
            anchor = form.get("next_anchor", "")
            return Response.redirect(review_path(slug) + (f"#{anchor}" if SLUG_RE.match(anchor or "-") else ""))
    elif request.method not in ("GET", "HEAD"):
        return Response.text("405 Method Not Allowed\n", status=405)
    article, load_error = None, None
    try:
        folder, _ = saving.article_folder(seeds_dir(datasette), slug)
        article = await asyncio.to_thread(page_data.article_page, folder)
    except BuildError as e:
        if e.code == "no_article":
            raise NotFound("No such article")
        load_error = e.message()  # a facts.yml broken by hand: said, not shown half
    html = await datasette.render_template("review-article.html", {
        "article": article, "slug": slug, "error": error, "load_error": load_error, "review_path": review_path,
    }, request=request)
    return Response.html(html, status=status)


def routes():
    """The review routes (the article id as the slug rule allows; checked again in the view)."""
    return [
        (rf"^{PREFIX}$", review_list),
        (rf"^{PREFIX}/(?P<article_id>[a-z0-9][a-z0-9-]*)$", review_article),
    ]


class ReviewPlugin:
    """Registered once per process by the review server (pm.register); answers per Datasette."""

    __name__ = PLUGIN  # how /-/plugins names it

    @hookimpl
    def register_routes(self, datasette):
        return routes() if in_review_mode(datasette) else []
