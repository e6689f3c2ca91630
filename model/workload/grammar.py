"""The shell grammar: tree-sitter's bash parse tree in, the model's own code out.

Parsing is tree-sitter with the `tree-sitter-bash` grammar (PyPI wheels, no
compiler needed): a maintained parser of the whole shell language, C-fast, that
keeps every node's byte range, so a construct outside the model is named by its
own source text.  bashlex (also on PyPI) was the other candidate; it is pure
Python and, measured on this project's `sh -c` lines (bashlex 0.18, one run),
100 to 600 times slower than tree-sitter (1.6-4.7 ms a line against 4-14 µs),
and it raises NotImplementedError on `case` patterns and on `$((...))`, which
tree-sitter parses.  Bash is a superset of
busybox ash: anything bash-only that the tree shows (`[[`, `function`, arrays,
`&>`, C-style `for`, `$'...'`) is refused by name rather than run.

The output is a flat tuple of instructions (`Code`) with jumps, one per
script, compiled once and looked up by source text (`compile_script`): a
process keeps only a source and a program counter per frame, so a shell that
blocks mid-loop is a small, hashable value.  Regions (function bodies,
subshells, pipeline stages, background jobs, command substitutions) are
appended after the main program and end with `End`.

A word is a tuple of parts: `(LIT, text)`, `(GLOB, text)` (unquoted text that
may hold pattern characters), `(VAR, name, op, arg_word)` and `(QVAR, ...)`,
`(SUB, addr)` / `(QSUB, addr)` for `$(...)`, `(BQ, source)` / `(QBQ, source)` for
a backquoted command (its own script, backslashes undone as POSIX 2.6.3 says),
and `(ARITH, text)`.  A heredoc is a redirection `<<` of descriptor 0 whose
target is the body as a word (quoted parts only: no splitting, no globbing).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import tree_sitter
import tree_sitter_bash

from ..errors import UnsupportedWorkload

LIT, GLOB, VAR, QVAR, SUB, QSUB, ARITH, BQ, QBQ = range(9)
# Parameter operators: `${#x}` is LENGTH; `#`, `##`, `%`, `%%` remove a pattern.
LENGTH = "length"
PATTERN_OPS = ("#", "##", "%", "%%")
_LANGUAGE = tree_sitter.Language(tree_sitter_bash.language())
_PARSER = tree_sitter.Parser(_LANGUAGE)


# -- instructions -------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Redirect:
    """`fd op target`: op is ">", ">>", "<", ">&" (target "1"/"2") or "<&"."""

    fd: int
    op: str
    target: tuple


@dataclass(frozen=True, slots=True)
class Cmd:
    """A simple command: assignments, words, redirections; `checked`: `set -e` applies to it."""

    words: tuple[tuple, ...]
    redirects: tuple[Redirect, ...] = ()
    assigns: tuple[tuple[str, tuple], ...] = ()
    checked: bool = True
    text: str = ""


@dataclass(frozen=True, slots=True)
class Jump:
    to: int
    when: int = 0  # 0 always, 1 when $? is 0, 2 when $? is not 0
    pops: int = 0  # `for` iterations left behind (break, continue out of nested loops)
    zero: bool = False  # `break`/`continue`: a builtin that succeeds, so $? is 0 after it


@dataclass(frozen=True, slots=True)
class Not:
    """`! pipeline`: negate $?."""


@dataclass(frozen=True, slots=True)
class Check:
    """`set -e` check after a compound command that was not a condition."""


@dataclass(frozen=True, slots=True)
class End:
    """The end of a region: return to the frame below."""


@dataclass(frozen=True, slots=True)
class Group:
    """`{ ...; }` with redirections: run the region at `addr` in this shell, its output redirected."""

    addr: int
    redirects: tuple[Redirect, ...] = ()


@dataclass(frozen=True, slots=True)
class Sub:
    """A child shell running the region at `addr`: `( ... )`, or `... &` when `background`."""

    addr: int
    redirects: tuple[Redirect, ...] = ()
    background: bool = False
    checked: bool = True
    text: str = ""


@dataclass(frozen=True, slots=True)
class Pipe:
    """`a | b | c`: one child shell per stage, each stage's output the next one's input."""

    stages: tuple[int, ...]
    checked: bool = True


@dataclass(frozen=True, slots=True)
class Def:
    """`name() body`: define a function whose body is the region at `addr`."""

    name: str
    addr: int


@dataclass(frozen=True, slots=True)
class ForInit:
    """Expand the words of `for VAR in WORDS` and push them as an iteration."""

    words: tuple[tuple, ...] | None  # None: "$@"


@dataclass(frozen=True, slots=True)
class ForNext:
    """Assign the next word to `var`, or pop the iteration and jump to `to`."""

    var: str
    to: int


@dataclass(frozen=True, slots=True)
class Case:
    """`case WORD in`: jump to the first arm whose pattern matches, else to `end`."""

    word: tuple
    arms: tuple[tuple[tuple[tuple, ...], int], ...]
    end: int


Instr = Cmd | Jump | Not | Check | End | Group | Sub | Pipe | Def | ForInit | ForNext | Case


@dataclass(frozen=True, slots=True)
class Code:
    """A compiled script: its instructions (the main program starts at 0) and the command names it uses."""

    source: str
    instrs: tuple[Instr, ...]
    names: tuple[str, ...]


def bad(node_or_text, src: str | None = None) -> UnsupportedWorkload:
    text = node_or_text if isinstance(node_or_text, str) else node_or_text.text.decode(errors="replace")
    where = f" in {src!r}" if src is not None else ""
    return UnsupportedWorkload(f"unsupported shell syntax {text!r}{where}")


# -- the compiler ------------------------------------------------------------------

_SKIP = {"comment", ";", ";;", "\n", "&", "do", "done", "then", "fi", "{", "}", "(", ")", "in", "esac"}


class _Compiler:
    def __init__(self, src: str):
        self.src = src
        self.out: list = []
        self.regions: list = []  # (placeholder index in out, node list, kind) compiled after main
        self.loops: list = []  # (continue address, break fixups list, for-depth)
        self.fors = 0
        self.names: list[str] = []

    # instructions
    def emit(self, instr) -> int:
        self.out.append(instr)
        return len(self.out) - 1

    def patch(self, at: int, **changes) -> None:
        from dataclasses import replace
        self.out[at] = replace(self.out[at], **changes)

    def bad(self, node) -> UnsupportedWorkload:
        return bad(node, self.src)

    def region(self, build) -> int:
        """Compile a region at the end (after the main program); returns its address via a fixup."""
        self.regions.append(build)
        return -len(self.regions)  # a fixup: the address is known once the region is emitted

    # statements
    def body(self, nodes, cond: bool = False) -> None:
        nodes = [n for n in nodes if n.type not in _SKIP]
        if not nodes:
            return
        for i, n in enumerate(nodes):
            self.statement(n, cond and i == len(nodes) - 1)

    def statement(self, n, cond: bool = False) -> None:
        nxt = n.next_sibling
        if nxt is not None and nxt.type == "&":
            addr = self.region(lambda n=n: self._statement(n, False))
            self.emit(Sub(addr, background=True, text=n.text.decode()))
            return
        try:
            self._statement(n, cond)
        except _Emit as e:
            self.emit(e.instr)

    def _statement(self, n, cond: bool) -> None:
        t = n.type
        if t == "command":
            self.emit(self.command(n, (), cond))
        elif t == "variable_assignment":
            self.emit(Cmd((), (), (self.assign(n),), not cond, n.text.decode()))
        elif t == "variable_assignments":  # `a=1 b=2`: assigned left to right
            assigns = tuple(self.assign(c) for c in n.children if c.type == "variable_assignment")
            if len(assigns) != len([c for c in n.children if c.type != "comment"]):
                raise self.bad(n)
            self.emit(Cmd((), (), assigns, not cond, n.text.decode()))
        elif t == "redirected_statement":
            body = n.child_by_field_name("body")
            if any(c.type == "herestring_redirect" for c in n.children):
                raise self.bad(n)
            redirects, extra = self.redirects(n)
            if body is None:
                self.emit(Cmd((), redirects, (), not cond, n.text.decode()))
            elif body.type == "command":
                self.emit(self.command(body, redirects, cond, extra))
            elif body.type == "declaration_command" and not extra:
                self.emit(self.declaration(body, redirects, cond))
            elif body.type == "list":
                # tree-sitter hangs `a && b > f` on the whole list; the shell redirects `b` alone.
                left, op, right = body.children[0], body.children[1].type, body.children[2]
                self.statement(left, True)
                j = self.emit(Jump(0, 2 if op == "&&" else 1))
                self.redirected(right, redirects, cond)
                self.patch(j, to=len(self.out))
            else:
                addr = self.region(lambda b=body: self.statement(b))
                self.emit(Group(addr, redirects))
        elif t == "list":
            left, op, right = n.children[0], n.children[1].type, n.children[2]
            self.statement(left, True)
            j = self.emit(Jump(0, 2 if op == "&&" else 1))
            self.statement(right, cond)
            self.patch(j, to=len(self.out))
        elif t == "negated_command":
            self.body(n.children[1:], True)
            self.emit(Not())
        elif t == "pipeline":
            stages = [c for c in n.children if c.type not in ("|", "|&")]
            if any(c.type == "|&" for c in n.children):
                raise self.bad(n)
            addrs = tuple(self.region(lambda s=s: self.statement(s)) for s in stages)
            self.emit(Pipe(addrs, not cond))
        elif t == "subshell":
            addr = self.region(lambda n=n: self.body(n.children[1:-1]))
            self.emit(Sub(addr, checked=not cond, text=n.text.decode()))
        elif t == "compound_statement":
            self.body(n.children[1:-1], cond)
        elif t == "if_statement":
            self.if_(n, cond)
        elif t == "while_statement":
            self.while_(n, cond)
        elif t == "for_statement":
            self.for_(n, cond)
        elif t == "case_statement":
            self.case(n)
        elif t == "function_definition":
            if n.children[0].type == "function":
                raise self.bad(n.children[0])
            name = n.child_by_field_name("name").text.decode()
            body = n.child_by_field_name("body")
            addr = self.region(lambda b=body: self.statement(b))
            self.emit(Def(name, addr))
        elif t == "test_command":
            self.emit(self.test(n, cond))
        elif t == "declaration_command":
            self.emit(self.declaration(n, (), cond))
        else:
            raise self.bad(n)

    def declaration(self, n, redirects: tuple, cond: bool) -> Cmd:
        """`export`/`readonly`/`local` NAME=VALUE...: each VALUE expands as an assignment (no splitting, no globbing)."""
        name = n.children[0].type
        if name not in ("export", "readonly", "local"):
            raise self.bad(n.children[0])
        self.names.append(name)
        words = [((LIT, name),)]
        for c in n.children[1:]:
            if c.type == "variable_assignment":
                var, value = self.assign(c)
                words.append(tuple(_merge([(LIT, var + "=")] + [_quoted(q) for q in value])))
            elif c.type == "variable_name":
                words.append(((LIT, c.text.decode()),))
            elif c.type == "comment":
                continue
            else:
                words.append(self.word(c))
        return Cmd(tuple(words), redirects, (), not cond, n.text.decode())

    def redirected(self, n, redirects: tuple, cond: bool) -> None:
        if n.type == "command":
            self.emit(self.command(n, redirects, cond))
        elif n.type == "declaration_command":
            self.emit(self.declaration(n, redirects, cond))
        elif n.type == "redirected_statement" and n.child_by_field_name("body").type == "command":
            more, extra = self.redirects(n)
            self.emit(self.command(n.child_by_field_name("body"), more + redirects, cond, extra))
        else:
            addr = self.region(lambda b=n: self.statement(b))
            self.emit(Group(addr, redirects))

    def if_(self, n, cond: bool) -> None:
        ends: list[int] = []
        kids = list(n.children)
        i = 1
        clauses = []  # (condition nodes, body nodes)
        cur_cond, cur_body, in_body = [], [], False
        for c in kids[1:]:
            if c.type == "then":
                in_body = True
            elif c.type in ("elif_clause", "else_clause", "fi"):
                break
            elif in_body:
                cur_body.append(c)
            else:
                cur_cond.append(c)
        clauses.append((cur_cond, cur_body))
        els = None
        for c in kids:
            if c.type == "elif_clause":
                cc, bb, ib = [], [], False
                for d in c.children[1:]:
                    if d.type == "then":
                        ib = True
                    elif ib:
                        bb.append(d)
                    else:
                        cc.append(d)
                clauses.append((cc, bb))
            elif c.type == "else_clause":
                els = c.children[1:]
        del i
        for cc, bb in clauses:
            self.body(cc, True)
            j = self.emit(Jump(0, 2))
            self.body(bb, cond)
            ends.append(self.emit(Jump(0)))
            self.patch(j, to=len(self.out))
        if els is not None:
            self.body(els, cond)
        else:
            self.emit(Cmd((), checked=False))  # `if` with no branch taken: $? is 0
        for e in ends:
            self.patch(e, to=len(self.out))

    def while_(self, n, cond: bool) -> None:
        until = n.children[0].type == "until"
        conds = n.children_by_field_name("condition")
        body = n.child_by_field_name("body")
        start = len(self.out)
        self.emit(Cmd((), checked=False))  # $? 0 before the first condition (no iterations: 0)
        top = len(self.out)
        self.body(conds, True)
        j = self.emit(Jump(0, 1 if until else 2))
        breaks: list[int] = []
        self.loops.append((top, breaks, self.fors))
        self.body(body.children[1:-1], cond)
        self.loops.pop()
        self.emit(Jump(top))
        self.patch(j, to=len(self.out))
        # The loop's status is its last body command's; a condition that ended it leaves 0.
        self.emit(Cmd((), checked=False))
        for b in breaks:
            self.patch(b, to=len(self.out))
        del start

    def for_(self, n, cond: bool) -> None:
        var = n.child_by_field_name("variable").text.decode()
        values = n.children_by_field_name("value")
        has_in = any(c.type == "in" for c in n.children)
        words = tuple(self.word(v) for v in values) if has_in else None
        self.emit(Cmd((), checked=False))
        self.emit(ForInit(words))
        self.fors += 1
        top = self.emit(ForNext(var, 0))
        breaks: list[int] = []
        self.loops.append((top, breaks, self.fors))
        body = n.child_by_field_name("body")
        self.body(body.children[1:-1], cond)
        self.loops.pop()
        self.emit(Jump(top))
        self.fors -= 1
        self.patch(top, to=len(self.out))
        for b in breaks:
            self.patch(b, to=len(self.out))

    def case(self, n) -> None:
        word = self.word(n.child_by_field_name("value"))
        at = self.emit(Case(word, (), 0))
        arms, ends = [], []
        for item in n.children:
            if item.type != "case_item":
                continue
            pats = []
            for v in item.children_by_field_name("value"):
                if v.type == "extglob_pattern":
                    pats.extend(("pat", p) for p in v.text.decode().split("|"))
                else:
                    pats.append(self.word(v, pattern=True))
            pats = tuple(p if p[0] != "pat" else ((GLOB, p[1]),) for p in pats)
            addr = len(self.out)
            stmts = [c for c in item.children if item.field_name_for_child(_index(item, c)) != "value"
                     and c.type not in ("|", ")", "(") and c.is_named]
            self.emit(Cmd((), checked=False))
            self.body(stmts)
            term = item.child_by_field_name("termination")
            if term is not None and term.type != ";;" or any(c.type in (";&", ";;&") for c in item.children):
                raise self.bad(item)
            ends.append(self.emit(Jump(0)))
            arms.append((pats, addr))
        end = len(self.out)
        self.emit(Cmd((), checked=False))
        for e in ends:
            self.patch(e, to=end + 1)
        self.patch(at, arms=tuple(arms), end=end)

    # simple commands
    def command(self, n, redirects: tuple, cond: bool, extra: tuple = ()) -> Cmd:
        assigns, words = [], []
        for c in n.children:
            f = n.field_name_for_child(_index(n, c))
            if c.type == "variable_assignment":
                assigns.append(self.assign(c))
            elif c.type == "command_name":
                words.append(self.word(c.children[0]))
            elif f == "argument" or c.is_named and c.type not in ("comment",):
                if c.type in ("file_redirect", "heredoc_redirect", "herestring_redirect"):
                    raise self.bad(c)
                words.append(self.word(c))
            elif c.type == "$":
                words.append(((LIT, "$"),))  # a lone "$" is literal
        words.extend(extra)
        if words and len(words[0]) == 1 and words[0][0][0] in (LIT, GLOB):
            name = words[0][0][1]
            if name in ("break", "continue"):
                return self.loop_jump(n, name, words)
            self.names.append(name)
        return Cmd(tuple(words), redirects, tuple(assigns), not cond, n.text.decode())

    def loop_jump(self, n, name: str, words) -> Jump:
        if not self.loops:
            raise self.bad(n)  # outside a loop (or inside a function called from one)
        depth = 1
        if len(words) == 2 and len(words[1]) == 1 and words[1][0][0] in (LIT, GLOB) and words[1][0][1].isdigit():
            depth = max(1, int(words[1][0][1]))
        elif len(words) > 1:
            raise self.bad(n)
        depth = min(depth, len(self.loops))
        top, breaks, fors = self.loops[-depth]
        if name == "continue":
            raise _Emit(Jump(top, 0, self.fors - fors, True))
        inner = self.fors - fors + (1 if self._is_for(top) else 0)
        breaks.append(len(self.out))
        raise _Emit(Jump(0, 0, inner, True))

    def _is_for(self, top: int) -> bool:
        return isinstance(self.out[top], ForNext)

    def test(self, n, cond: bool) -> Cmd:
        if n.children[0].type != "[":
            raise self.bad(n.children[0])
        words = [((LIT, "["),)]

        def flat(m):
            if m.type in ("binary_expression", "unary_expression", "parenthesized_expression",
                          "negated_expression") or (not m.is_named and m.child_count):
                for k in m.children:
                    flat(k)
            elif not m.is_named or m.type == "test_operator":
                words.append(((LIT, m.text.decode()),))
            else:
                words.append(self.word(m))
        for c in n.children[1:-1]:
            flat(c)
        words.append(((LIT, "]"),))
        return Cmd(tuple(words), (), (), not cond, n.text.decode())

    def assign(self, n) -> tuple[str, tuple]:
        name = n.child_by_field_name("name")
        if name is None or name.type != "variable_name" or n.children[1].type != "=":
            raise self.bad(n)
        value = n.child_by_field_name("value")
        return name.text.decode(), (self.word(value, assign=True) if value is not None else ())

    def redirects(self, n) -> tuple[tuple[Redirect, ...], tuple]:
        """A statement's redirections, and the words tree-sitter hung on them that are arguments.

        tree-sitter takes words after a redirection's target as more targets, and
        nests the redirections that follow a heredoc's `<<WORD` inside it.
        """
        out, extra = [], []
        for r in n.children_by_field_name("redirect"):
            if r.type == "heredoc_redirect":
                out.append(self.heredoc(r))
                nested = [c for c in r.children if c.type == "file_redirect"]
            else:
                nested = [r]
            for f in nested:
                out.append(self.redirect(f))
                extra.extend(self.word(d) for d in f.children_by_field_name("destination")[1:])
        return tuple(out), tuple(extra)

    def heredoc(self, r) -> Redirect:
        """`<<WORD` / `<<-WORD`: the lines up to WORD, expanded unless WORD is quoted (POSIX 2.7.4)."""
        kinds = {"<<", "<<-", "heredoc_start", "heredoc_body", "heredoc_end", "file_redirect"}
        if any(c.type not in kinds for c in r.children) or r.child_by_field_name("descriptor") is not None:
            raise self.bad(r)
        strip = any(c.type == "<<-" for c in r.children)
        start = next(c for c in r.children if c.type == "heredoc_start")
        end = next((c for c in r.children if c.type == "heredoc_end"), None)
        body = next((c for c in r.children if c.type == "heredoc_body"), None)
        if end is None:
            raise self.bad(r)
        src = self.bsrc
        lo = src.find(b"\n", start.end_byte) + 1
        hi = src.rfind(b"\n", 0, end.start_byte) + 1
        if lo <= 0 or hi < lo:
            raise self.bad(r)
        quoted = any(ch in start.text for ch in b"\"'\\")
        text = src[lo:hi].decode()
        if strip:
            text = "\n".join(line.lstrip("\t") for line in text.split("\n"))
        parts = [(LIT, text)] if quoted else self.heredoc_parts(text, r)
        return Redirect(0, "<<", tuple(_merge(parts)) or ((LIT, ""),))

    def heredoc_parts(self, text: str, where) -> list:
        """An unquoted heredoc's body as a double-quoted word: `$x`, `${...}`, `$(...)`, backquotes, `$((...))`.

        Scanned here rather than taken from tree-sitter, which reads `$((...))`
        in a heredoc as a subshell and leaves backquotes as text.
        """
        parts: list = []
        lit: list[str] = []
        i, n = 0, len(text)

        def flush():
            if lit:
                parts.append((LIT, "".join(lit)))
                lit.clear()
        while i < n:
            c = text[i]
            if c == "\\" and i + 1 < n and text[i + 1] in "$`\\\n":
                if text[i + 1] != "\n":
                    lit.append(text[i + 1])
                i += 2
                continue
            if c == "`":
                k = i + 1
                while k < n and text[k] != "`":
                    k += 2 if text[k] == "\\" else 1
                if k >= n:
                    raise self.bad(where)
                flush()
                parts.append(self.substitution(_unbackquote(text[i + 1:k], False), where))
                i = k + 1
                continue
            if c == "$" and text.startswith("$((", i):
                k = _closing(text, i + 1, where, self)
                if k is None or text[k - 1] != ")" or text[i + 2] != "(":
                    raise self.bad(where)
                flush()
                parts.append((ARITH, text[i + 3:k - 1]))
                i = k + 1
                continue
            if c == "$" and text.startswith("$(", i):
                k = _closing(text, i + 1, where, self)
                flush()
                parts.append(self.substitution(text[i + 2:k], where))
                i = k + 1
                continue
            if c == "$" and text.startswith("${", i):
                k = text.find("}", i)
                if k < 0:
                    raise self.bad(where)
                flush()
                word = self.pattern_word('"' + text[i:k + 1] + '"', where)
                parts.extend(q for q in word if q != (LIT, ""))
                i = k + 1
                continue
            if c == "$" and i + 1 < n and (text[i + 1].isalnum() or text[i + 1] in "_?#@*$!-"):
                k = i + 1
                if text[k].isalpha() or text[k] == "_":
                    while k < n and (text[k].isalnum() or text[k] == "_"):
                        k += 1
                else:
                    k += 1
                flush()
                parts.append((QVAR, text[i + 1:k], "", ()))
                i = k
                continue
            lit.append(c)
            i += 1
        flush()
        return parts

    def substitution(self, source: str, where) -> tuple:
        """`$(...)` or a backquoted command met outside the tree: a script of its own, run in a child shell."""
        try:
            inner = _Compiler(source).compile()
        except UnsupportedWorkload:
            raise self.bad(where) from None
        self.names.extend(inner.names)
        _CACHE.setdefault(source, inner)
        return (QBQ, source)

    def redirect(self, r) -> Redirect:
        if r.type != "file_redirect":
            raise self.bad(r)
        fd_node = r.child_by_field_name("descriptor")
        op = next(c.type for c in r.children if not c.is_named)
        dest = r.child_by_field_name("destination")
        fd = int(fd_node.text) if fd_node is not None else (0 if op in ("<", "<&") else 1)
        if op not in (">", ">>", "<", ">&") or fd not in (0, 1, 2) or dest is None:
            raise self.bad(r)
        if op == ">&":
            if dest.text not in (b"1", b"2"):
                raise self.bad(r)
            return Redirect(fd, op, ((LIT, dest.text.decode()),))
        return Redirect(fd, op, self.word(dest))

    # words
    def word(self, n, pattern: bool = False, assign: bool = False) -> tuple:
        parts: list = []
        self.parts(n, parts, False)
        return tuple(_merge(parts))

    def parts(self, n, out: list, quoted: bool) -> None:
        t = n.type
        if t in ("word", "number", "extglob_pattern") and not quoted:
            text = n.text.decode()
            if text.startswith("~"):
                raise self.bad(n)
            if "\\" in text:
                i, buf = 0, []
                while i < len(text):
                    if text[i] == "\\" and i + 1 < len(text):
                        if buf:
                            out.append((GLOB, "".join(buf)))
                            buf = []
                        out.append((LIT, text[i + 1]))
                        i += 2
                    else:
                        buf.append(text[i])
                        i += 1
                if buf:
                    out.append((GLOB, "".join(buf)))
            else:
                out.append((GLOB, text))
        elif t == "$":
            out.append((LIT, "$"))
        elif t == "raw_string":
            out.append((LIT, n.text.decode()[1:-1]))
        elif t == "string":
            start = n.start_byte + 1
            for c in n.children:
                if c.type == '"':
                    continue
                # tree-sitter may start an expansion node at the blanks before its `$`: they are text.
                at = c.start_byte if c.type == "string_content" else _lead(c)
                if at > start:
                    out.append((LIT, _dq(self._slice(start, at))))
                if c.type == "string_content":
                    out.append((LIT, _dq(c.text.decode())))
                else:
                    self.parts(c, out, True)
                start = c.end_byte
            if not any(p for p in out):
                out.append((LIT, ""))
            out.append((LIT, ""))  # a quoted empty string is still a field
        elif t == "concatenation":
            for c in n.children:
                self.parts(c, out, quoted)
        elif t == "simple_expansion":
            name = n.children[1].text.decode()
            out.append((QVAR if quoted else VAR, name, "", ()))
        elif t == "expansion":
            kids = [c for c in n.children if c.type not in ("${", "}")]
            if kids and kids[0].type == "#" and len(kids) == 2:
                out.append((QVAR if quoted else VAR, kids[1].text.decode(), LENGTH, ()))
                return
            if not kids or kids[0].type not in ("variable_name", "special_variable_name"):
                raise self.bad(n)
            name = kids[0].text.decode()
            if len(kids) == 1:
                out.append((QVAR if quoted else VAR, name, "", ()))
                return
            op = n.child_by_field_name("operator")
            if op is None or op.type not in (":-", "-", ":=", "=", ":+", "+") + PATTERN_OPS:
                raise self.bad(n)
            if op.type in PATTERN_OPS:
                # The pattern is a word of its own, unquoted even inside "...": parse it as one.
                close = n.children[-1]
                text = self._slice(op.end_byte, close.start_byte)
                out.append((QVAR if quoted else VAR, name, op.type, self.pattern_word(text, n)))
                return
            if op.type in (":=", "=") and not name.isidentifier():
                raise self.bad(n)  # ash: "bad substitution" for ${1:=x}
            arg: list = []
            for c in kids[2:]:
                self.parts(c, arg, quoted)
            out.append((QVAR if quoted else VAR, name, op.type, tuple(_merge(arg))))
        elif t == "command_substitution":
            if n.children[0].type == "`":
                source = _unbackquote(self._slice(n.children[0].end_byte, n.children[-1].start_byte), quoted)
                out.append((QBQ if quoted else BQ, self.substitution(source, n)[1]))
                return
            if n.children[0].type != "$(":
                raise self.bad(n)
            kids = n.children[1:-1]
            addr = self.region(lambda k=kids: self.body(k))
            out.append((QSUB if quoted else SUB, addr))
        elif t == "arithmetic_expansion":
            text = n.text.decode()
            if not text.startswith("$((") or not text.endswith("))"):
                raise self.bad(n)
            out.append((ARITH, text[3:-2]))
        elif t in ("word", "number") and quoted:
            out.append((LIT, n.text.decode()))
        else:
            raise self.bad(n)

    def pattern_word(self, text: str, where) -> tuple:
        """The pattern of `${x#pattern}`, compiled as the one argument of a command."""
        if not text:
            return ()
        sub = _Compiler(": " + text)
        sub.bsrc = sub.src.encode()
        root = _PARSER.parse(sub.bsrc).root_node
        cmds = [c for c in root.children if c.type != "comment"]
        args = cmds[0].children[1:] if len(cmds) == 1 and cmds[0].type == "command" else None
        if root.has_error or not args or len(args) != 1:
            raise self.bad(where)
        word = sub.word(args[0])
        if sub.regions or any(p[0] in (SUB, QSUB) for p in word):
            raise self.bad(where)  # a $(...) in a pattern: its region belongs to the sub-compiler
        self.names.extend(sub.names)
        return word

    def _slice(self, a: int, b: int) -> str:
        return self.bsrc[a:b].decode()

    def compile(self) -> Code:
        self.bsrc = self.src.encode()
        tree = _PARSER.parse(self.bsrc)
        root = tree.root_node
        if root.has_error:
            err = _first_error(root)
            raise self.bad(err if err is not None else root)
        self.body(root.children)
        self.emit(End())
        fix: dict[int, int] = {}
        k = 0
        while k < len(self.regions):
            fix[-(k + 1)] = len(self.out)
            self.regions[k]()
            self.emit(End())
            k += 1
        instrs = tuple(_fixup(i, fix) for i in self.out)
        return Code(self.src, instrs, tuple(dict.fromkeys(self.names)))


class _Emit(Exception):
    """`break`/`continue` compile to a jump, not a command: raised up to `statement`."""

    def __init__(self, instr):
        self.instr = instr


def _index(parent, child) -> int:
    for i, c in enumerate(parent.children):
        if c.id == child.id:
            return i
    return -1


def _first_error(n):
    if n.type == "ERROR" or n.is_missing:
        return n
    for c in n.children:
        if c.has_error:
            return _first_error(c)
    return None


def _dq(text: str) -> str:
    """Backslashes in double quotes escape only $ ` " \\ and newline."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text) and text[i + 1] in '$`"\\\n':
            if text[i + 1] != "\n":
                out.append(text[i + 1])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _closing(text: str, at: int, where, compiler) -> int:
    """The index of the `)` that closes the `(` at `at`, outside quotes."""
    depth, k, quote = 0, at, None
    while k < len(text):
        ch = text[k]
        if quote:
            if ch == quote:
                quote = None
            elif ch == "\\" and quote == '"':
                k += 1
        elif ch in "'\"":
            quote = ch
        elif ch == "\\":
            k += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return k
        k += 1
    raise compiler.bad(where)


def _lead(node) -> int:
    """Where a node's own text starts: tree-sitter may start a node at the blanks before it."""
    text = node.text
    return node.start_byte + len(text) - len(text.lstrip(b" \t\n"))


def _quoted(part: tuple) -> tuple:
    """A word part as it expands inside double quotes."""
    kind = part[0]
    if kind == GLOB:
        return (LIT, part[1])
    return ({VAR: QVAR, SUB: QSUB, BQ: QBQ}.get(kind, kind),) + tuple(part[1:])


def _unbackquote(text: str, quoted: bool) -> str:
    """Inside backquotes a backslash quotes only $ ` \\ (and " within double quotes): undo those."""
    keep = '$`\\"' if quoted else '$`\\'
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in keep:
            out.append(text[i + 1])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _merge(parts: list) -> list:
    merged: list = []
    for p in parts:
        if merged and p[0] == LIT and merged[-1][0] == LIT:
            merged[-1] = (LIT, merged[-1][1] + p[1])
        else:
            merged.append(p)
    return merged


def _fix_word(w: tuple, fix: dict) -> tuple:
    out = []
    for p in w:
        if p[0] in (SUB, QSUB) and p[1] < 0:
            p = (p[0], fix[p[1]])
        elif p[0] in (VAR, QVAR) and p[3]:
            p = (p[0], p[1], p[2], _fix_word(p[3], fix))
        out.append(p)
    return tuple(out)


def _fixup(i, fix: dict):
    from dataclasses import replace
    if isinstance(i, (Sub, Group, Def)) and i.addr < 0:
        i = replace(i, addr=fix[i.addr])
    if isinstance(i, Pipe):
        i = replace(i, stages=tuple(fix.get(a, a) for a in i.stages))
    if isinstance(i, Cmd):
        i = replace(i, words=tuple(_fix_word(w, fix) for w in i.words),
                    assigns=tuple((k, _fix_word(v, fix)) for k, v in i.assigns),
                    redirects=tuple(Redirect(r.fd, r.op, _fix_word(r.target, fix)) for r in i.redirects))
    if isinstance(i, ForInit) and i.words is not None:
        i = replace(i, words=tuple(_fix_word(w, fix) for w in i.words))
    if isinstance(i, Case):
        i = replace(i, word=_fix_word(i.word, fix),
                    arms=tuple((tuple(_fix_word(p, fix) for p in pats), a) for pats, a in i.arms))
    if isinstance(i, (Sub, Group)) and i.redirects:
        i = replace(i, redirects=tuple(Redirect(r.fd, r.op, _fix_word(r.target, fix)) for r in i.redirects))
    return i


_CACHE: dict[str, Code] = {}


def compile_script(source: str) -> Code:
    """Parse and compile a script once; processes refer to it by its source text.

    >>> code = compile_script("for x in a b; do echo $x; done")
    >>> [type(i).__name__ for i in code.instrs]
    ['Cmd', 'ForInit', 'ForNext', 'Cmd', 'Jump', 'End']
    """
    code = _CACHE.get(source)
    if code is None:
        code = _CACHE[source] = _Compiler(source).compile()
    return code
