"""Page numbers of our own paged pages (a speaker's quotes, the Articles page): one rule for
reading ?page=N and one for the pager's links. (The saved queries read `page` in their SQL:
plugins/query_paging.py follows that SQL's rule instead.)"""


def page_number(request):
    """?page=N, 1 when absent or not a positive whole number."""
    value = request.args.get("page", "")
    return int(value) if value.isascii() and value.isdigit() and 0 < int(value) < 10**9 else 1


def page_count(total, per_page):
    """Pages for total items, at least one (an empty list is one empty page)."""
    return max(1, -(-total // per_page))


def pager(path, number, pages, per_page, bare_first=False):
    """The template's `page`: this page, the count, the first item's position and the links
    to the previous and next pages (bare_first: page 1 is the bare path, not ?page=1)."""
    if number <= 1:
        previous = None
    elif number == 2 and bare_first:
        previous = path
    else:
        previous = f"{path}?page={number - 1}"
    return {
        "number": number, "pages": pages, "per_page": per_page,
        "first_position": (number - 1) * per_page + 1,
        "previous": previous,
        "next": f"{path}?page={number + 1}" if number < pages else None,
    }
