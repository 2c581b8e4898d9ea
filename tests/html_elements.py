"""Reading HTML back in tests: which elements and attributes it holds."""
from html.parser import HTMLParser

from contest.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict]]:
    parser = _Collect()
    parser.feed(html)
    return parser.found


def assert_only_allowed(html: str) -> None:
    """Only the sanitiser's tags and attributes, and links out with a full address."""
    for tag, attrs in elements(html):
        assert tag in ALLOWED_TAGS, tag
        assert set(attrs) - {"rel"} <= ALLOWED_ATTRIBUTES.get(tag, set()), (tag, attrs)
        if "href" in attrs:
            assert attrs["href"].lower().startswith(("http://", "https://", "mailto:")), attrs["href"]
