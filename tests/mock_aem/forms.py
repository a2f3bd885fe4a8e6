"""Request parameters as a servlet container sees them: query string + body, in order.

Sling reads parameters from both the query string and the body (§1.1), urlencoded or
``multipart/form-data``. :func:`parse_form` returns a :class:`Form` holding an ordered list of
``(name, value)`` where ``value`` is a ``str`` or an :class:`Upload` (a file part).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Optional, Tuple, Union
from urllib.parse import parse_qsl


@dataclass
class Upload:
    filename: str
    content: bytes
    content_type: str = "application/octet-stream"

    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


Value = Union[str, Upload]


class Form:
    def __init__(self, items: Optional[List[Tuple[str, Value]]] = None) -> None:
        self.items_list: List[Tuple[str, Value]] = list(items or [])

    def __contains__(self, name: str) -> bool:
        return any(k == name for k, _unused in self.items_list)

    def __iter__(self) -> Iterator[Tuple[str, Value]]:
        return iter(self.items_list)

    def names(self) -> List[str]:
        seen: Dict[str, None] = {}
        for k, _unused in self.items_list:
            seen.setdefault(k, None)
        return list(seen)

    def getall(self, name: str) -> List[Value]:
        return [v for k, v in self.items_list if k == name]

    def get(self, name: str, default: Any = None) -> Any:
        for k, v in self.items_list:
            if k == name:
                return v
        return default

    def text(self, name: str, default: Optional[str] = None) -> Optional[str]:
        v = self.get(name)
        if v is None:
            return default
        return v.text() if isinstance(v, Upload) else v

    def as_dict(self) -> Dict[str, List[Value]]:
        out: Dict[str, List[Value]] = {}
        for k, v in self.items_list:
            out.setdefault(k, []).append(v)
        return out


def _param(header_value: str, name: str) -> Optional[str]:
    for part in header_value.split(";")[1:]:
        k, _unused, v = part.strip().partition("=")
        if k.strip().lower() == name:
            v = v.strip()
            if len(v) >= 2 and v[0] == v[-1] == '"':
                v = v[1:-1]
            return v
    return None


def parse_multipart(body: bytes, boundary: str) -> List[Tuple[str, Value]]:
    out: List[Tuple[str, Value]] = []
    delim = b"--" + boundary.encode("latin-1")
    for chunk in body.split(delim)[1:]:
        if chunk.startswith(b"--"):
            break
        if chunk.startswith(b"\r\n"):
            chunk = chunk[2:]
        head, sep, data = chunk.partition(b"\r\n\r\n")
        if not sep:
            continue
        if data.endswith(b"\r\n"):
            data = data[:-2]
        headers: Dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            k, _unused, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        disp = headers.get("content-disposition", "")
        name = _param(disp, "name")
        if name is None:
            continue
        filename = _param(disp, "filename")
        if filename is not None:
            out.append((name, Upload(filename, data, headers.get("content-type", "application/octet-stream"))))
        else:
            out.append((name, data.decode("utf-8", "replace")))
    return out


def parse_form(query_string: str, headers: Dict[str, str], body: bytes) -> Form:
    """Query-string parameters first, then the body's (urlencoded or multipart)."""
    items: List[Tuple[str, Value]] = list(parse_qsl(query_string, keep_blank_values=True))
    ctype = headers.get("content-type", "")
    low = ctype.lower()
    if body:
        if low.startswith("multipart/form-data"):
            boundary = _param(ctype, "boundary")
            if boundary:
                items += parse_multipart(body, boundary)
        elif low.startswith("application/x-www-form-urlencoded") or not low:
            items += parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    return Form(items)
