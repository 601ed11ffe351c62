"""Page numbers from the query string, and the GOV.UK pagination component's parameters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request, url_for


def requested_page() -> int:
    """The `page` asked for; anything that is not a positive whole number means page 1."""
    page = request.args.get("page", type=int)
    return page if page is not None and page > 0 else 1


@dataclass(frozen=True)
class Pagination:
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_shown(self) -> int:
        return min(self.total, (self.page - 1) * self.per_page + 1)

    @property
    def last_shown(self) -> int:
        return min(self.total, self.page * self.per_page)

    def numbers(self) -> list[int | None]:
        """The page numbers to link: first, last, and the current one with its neighbours;
        None where an ellipsis stands for the pages left out."""
        wanted = {1, self.pages, self.page - 1, self.page, self.page + 1}
        shown = sorted(n for n in wanted if 1 <= n <= self.pages)
        numbers: list[int | None] = []
        for number in shown:
            if numbers and number - (numbers[-1] or 0) > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers

    def component(self) -> dict[str, Any] | None:
        """`govukPagination` parameters linking to the same page with the same filters."""
        if self.pages == 1:
            return None
        items = [
            {"ellipsis": True}
            if number is None
            else {"number": number, "href": _href(number), "current": number == self.page}
            for number in self.numbers()
        ]
        params: dict[str, Any] = {"items": items}
        if self.page > 1:
            params["previous"] = {"href": _href(self.page - 1)}
        if self.page < self.pages:
            params["next"] = {"href": _href(self.page + 1)}
        return params


def _href(page: int) -> str:
    values: dict[str, Any] = {**(request.view_args or {}), **request.args.to_dict(flat=False)}
    values["page"] = page
    return url_for(request.endpoint or "", **values)
