"""How the docker CLI prints: tables, sizes, durations, and `--format` Go templates.

Only the subset of Go's text/template that docker users write is understood:
field chains (`{{.State.ExitCode}}`), the functions docker adds (`json`,
`join`, `upper`, `lower`, `title`, `split`, `truncate`, `len`, `index`,
`println`), `range`/`if`/`else`/`end` and the `table` prefix.  Anything else
is a `TemplateError` naming the action.
"""
from __future__ import annotations

import json
import re
from typing import Any, Callable, Mapping, Sequence

LESS_THAN_A_SECOND = "Less than a second"


class TemplateError(ValueError):
    """A --format template the model cannot evaluate; the message names the action."""


class MissingKey(TemplateError):
    """A --format names a key its (JSON) object lacks: Go's `missingkey=error`, worded as Go words it."""


def human_size(size: int) -> str:
    """docker's `units.HumanSizeWithPrecision(size, 3)`: decimal units, 3 significant digits.

    >>> human_size(1980000), human_size(0), human_size(1000)
    ('1.98MB', '0B', '1kB')
    """
    units = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]
    value, i = float(size), 0
    while value >= 1000.0 and i < len(units) - 1:
        value /= 1000.0
        i += 1
    return f"{_go_g(value, 3)}{units[i]}"


def _go_g(value: float, precision: int) -> str:
    s = f"{value:.{precision}g}"
    if "e" in s:
        mant, exp = s.split("e")
        sign = exp[0]
        digits = exp[1:].lstrip("0").rjust(2, "0")
        s = f"{mant}e{sign}{digits}"
    return s


def ellipsis(text: str, width: int, mark: str = "…") -> str:
    """The CLI's truncation: at most `width` characters, the last ones `mark` ("…"; podman's "...")."""
    return text if len(text) <= width else text[: width - len(mark)] + mark


def table(rows: Sequence[Sequence[str]], header: Sequence[str] | None = None) -> str:
    """Go's tabwriter as the CLI sets it up: minimum cell width 10, padding 3."""
    lines = ([list(header)] if header else []) + [list(r) for r in rows]
    if not lines:
        return ""
    ncols = max(len(l) for l in lines)
    widths = [0] * ncols
    for l in lines:
        for i, cell in enumerate(l[:-1]):
            widths[i] = max(widths[i], max(len(cell) + 3, 10))
    out = []
    for l in lines:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(l[:-1])] + [l[-1]]
        out.append("".join(cells))
    return "".join(line + "\n" for line in out)


# -- Go templates -----------------------------------------------------------------


class NilSlice(tuple):
    """A Go nil slice: prints as `[]` in a template, as `null` through `json`."""


NIL = NilSlice()


def _plain(value: Any) -> Any:
    if isinstance(value, NilSlice):
        return None
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def go_str(value: Any) -> str:
    """A value printed the way Go's fmt prints it inside a template."""
    if value is None:
        return "<nil>"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (list, tuple)):
        return "[" + " ".join(go_str(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "map[" + " ".join(f"{k}:{go_str(value[k])}" for k in sorted(value)) + "]"
    return str(value)


_ACTION = re.compile(r"{{-?\s*(.*?)\s*-?}}", re.S)
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`|\(|\)|\|[^|]|[^\s()|]+|\|')


def _tokens(expr: str) -> list[str]:
    return [t.strip() for t in _TOKEN.findall(expr)]


class Template:
    """A parsed template; `render(data)` evaluates it against a dict-like value."""

    def __init__(self, text: str):
        self.text = text
        self.nodes, rest = _parse(_lex(text), 0, text)
        if rest != len(_lex(text)):
            raise TemplateError(f"template: unexpected {{{{end}}}} in {text!r}")

    def render(self, data: Any) -> str:
        return "".join(_eval(self.nodes, data, self.text))


def _lex(text: str) -> list[tuple[str, str]]:
    parts: list[tuple[str, str]] = []
    pos = 0
    for m in _ACTION.finditer(text):
        if m.start() > pos:
            parts.append(("text", text[pos : m.start()]))
        parts.append(("action", m.group(1)))
        pos = m.end()
    if pos < len(text):
        parts.append(("text", text[pos:]))
    return parts


def _parse(parts: list[tuple[str, str]], i: int, text: str, stop: tuple[str, ...] = ()) -> tuple[list, int]:
    nodes: list = []
    while i < len(parts):
        kind, value = parts[i]
        if kind == "text":
            nodes.append(("text", value))
            i += 1
            continue
        word = value.split(None, 1)[0] if value else ""
        if word in stop:
            return nodes, i
        if word in ("range", "if"):
            body, j = _parse(parts, i + 1, text, ("end", "else"))
            other: list = []
            if j < len(parts) and parts[j][1].split(None, 1)[0] == "else":
                other, j = _parse(parts, j + 1, text, ("end",))
            if j >= len(parts):
                raise TemplateError(f"template: unexpected EOF in {text!r}: missing {{{{end}}}}")
            nodes.append((word, value[len(word):].strip(), body, other))
            i = j + 1
            continue
        if word in ("end", "else"):
            raise TemplateError(f"template: unexpected {{{{{word}}}}} in {text!r}")
        nodes.append(("expr", value))
        i += 1
    return nodes, i


def _truthy(v: Any) -> bool:
    return bool(v) and v != "<nil>"


def _eval(nodes: list, data: Any, text: str) -> list[str]:
    out: list[str] = []
    for node in nodes:
        if node[0] == "text":
            out.append(node[1])
        elif node[0] == "expr":
            out.append(go_str(_pipeline(node[1], data, text)))
        elif node[0] == "if":
            branch = node[2] if _truthy(_pipeline(node[1], data, text)) else node[3]
            out.extend(_eval(branch, data, text))
        elif node[0] == "range":
            seq = _pipeline(node[1], data, text)
            items = list(seq.values()) if isinstance(seq, Mapping) else list(seq or ())
            if not items:
                out.extend(_eval(node[3], data, text))
            for item in items:
                out.extend(_eval(node[2], item, text))
    return out


def _field(data: Any, chain: str, text: str, args: list[Any]) -> Any:
    value = data
    names = [n for n in chain.split(".") if n]
    for k, name in enumerate(names):
        if isinstance(value, Mapping) and name in value:
            value = value[name]
        elif isinstance(value, Mapping) and chain in text:
            # Go reports the column (0-based) of the chain's last field, on line 1.
            col = text.index(chain) + chain.rindex(".")
            raise MissingKey(f'template: :1:{col}: executing "" at <{chain}>: map has no entry for key "{name}"')
        elif hasattr(value, name):
            value = getattr(value, name)
        else:
            raise TemplateError(f"template: {text}: can't evaluate field {name}")
        if callable(value):
            value = value(*args) if k == len(names) - 1 else value()
    return value


_FUNCS: dict[str, Callable[..., Any]] = {
    "json": lambda v: json.dumps(_plain(v), separators=(",", ":"), ensure_ascii=False),
    "join": lambda v, sep: sep.join(go_str(x) for x in (v or ())),
    "upper": lambda v: go_str(v).upper(),
    "lower": lambda v: go_str(v).lower(),
    "title": lambda v: go_str(v).title(),
    "split": lambda v, sep: go_str(v).split(sep),
    "truncate": lambda v, n: go_str(v)[: int(n)],
    "len": lambda v: len(v or ()),
    "index": lambda v, *ks: _index(v, ks),
    "println": lambda *vs: " ".join(go_str(v) for v in vs) + "\n",
    "print": lambda *vs: "".join(go_str(v) for v in vs),
}


def _index(v: Any, keys: tuple) -> Any:
    for k in keys:
        v = v[k] if not isinstance(v, (list, tuple)) else v[int(k)]
    return v


def _atom(tok: str, data: Any, text: str) -> Any:
    if tok.startswith('"'):
        return json.loads(tok)
    if tok.startswith("`"):
        return tok[1:-1]
    if tok == ".":
        return data
    if tok.startswith("."):
        return _field(data, tok, text, [])
    if re.fullmatch(r"-?\d+", tok):
        return int(tok)
    if tok in ("true", "false"):
        return tok == "true"
    raise TemplateError(f'template: {text}: function "{tok}" not defined')


def _command(toks: list[str], data: Any, text: str, piped: list[Any]) -> Any:
    if not toks:
        raise TemplateError(f"template: {text}: missing value for command")
    head = toks[0]
    if head in _FUNCS:
        args = [_atom(t, data, text) for t in toks[1:]] + piped
        try:
            return _FUNCS[head](*args)
        except (TypeError, KeyError, IndexError, ValueError) as e:
            raise TemplateError(f"template: {text}: error calling {head}: {e}") from None
    if head.startswith(".") and len(toks) > 1:
        return _field(data, head, text, [_atom(t, data, text) for t in toks[1:]] + piped)
    if len(toks) > 1 or piped:
        raise TemplateError(f"template: {text}: can't give argument to non-function {head}")
    return _atom(head, data, text)


def _pipeline(expr: str, data: Any, text: str) -> Any:
    stages = [s.strip() for s in expr.split("|")]
    value: list[Any] = []
    for stage in stages:
        value = [_command(_tokens(stage), data, text, value)]
    return value[0]


def format_rows(template: str, rows: Sequence[Any], headers: Mapping[str, str]) -> str:
    """Render `rows` with a CLI `--format`: `table ...` adds a header and aligns columns."""
    if template.startswith("table"):
        body = template[len("table"):].strip() or "{{.ID}}"
        body = body.replace("\\t", "\t")
        tpl = Template(body)
        header_tpl = Template(re.sub(r"{{\s*\.(\w+)\s*}}", lambda m: headers.get(m.group(1), m.group(1).upper()), body))
        cells = [tpl.render(r).split("\t") for r in rows]
        return table(cells, header_tpl.render({}).split("\t"))
    tpl = Template(template.replace("\\t", "\t").replace("\\n", "\n"))
    return "".join(tpl.render(r) + "\n" for r in rows)
