#!/usr/bin/env python3
"""Convert a fix's Markdown page (docs/fix_*.md) into the LAMMPS manual's reStructuredText form.

Usage: python3 tools/md2rst.py docs/fix_drift_boltzmann.md [-o doc/fix_drift_boltzmann.rst]
(without -o the page goes to standard output).

Python 3 standard library only. The output is a pure function of the input text: the same
Markdown always gives the same bytes. The script understands the subset of Markdown the fix's
page is written in and stops with an error that names the line (exit status 1) on anything else,
rather than dropping or garbling content:

  # fix STYLE command       -> ".. index:: fix STYLE" and the title underlined with "="
  ## Section                -> section underlined with '"' (LAMMPS' fix-page level); a "----------"
                               transition before "Restart, fix_modify, ..." as LAMMPS pages have
  ### Topic                 -> "----------" transition (unless the section starts there) and a
                               bold **Topic** paragraph (LAMMPS fix pages have no third level)
  paragraphs                -> paragraphs, with the Markdown's line breaks
  * / - / + bullet lists    -> "* " bullet lists
  1. numbered lists         -> "1. " enumerated lists with the same numbers (must count up by 1)
  | keyword | ... | table   -> the last Syntax bullet "keyword = *a* or *b* ..." and a parsed-literal
                               keyword list "*a* values = ..." with one indented line per further
                               column ("default = ..."), as LAMMPS' fix pages list keywords
  any other table           -> ".. list-table::" with a header row
  ``` fenced code           -> ".. code-block:: LAMMPS" (or the info string's language)
  `code`                    -> ``code`` (*code* inside the parsed-literal keyword list)
  **bold**, *emphasis*      -> **bold**, *emphasis*
  [t](https://docs.lammps.org/NAME.html) -> :doc:`t <NAME>`;  [t](https://other) -> `t <https://other>`_
  <!-- comment -->          -> ".." comment
  ---                       -> "----------" transition
  text                      -> text, with "|", a lone "*" and a word-final "_" escaped, and "\ "
                               where rst needs a break between inline markup and a letter

Not understood (an error): nested lists or several paragraphs in one list item, block quotes,
indented code, setext headings, HTML, images, backslash escapes and hard line breaks, "_" emphasis,
reference-style and relative links, headings below ###, and anything else outside the list above.
"""

import argparse
import os
import re
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

RESTART_SECTION = "Restart, fix_modify, output, run start/stop, minimize info"
TRANSITION = "----------"
CODE_LANGUAGES = {"": "LAMMPS", "lammps": "LAMMPS", "bash": "bash", "sh": "bash",
                  "shell": "bash", "console": "console", "python": "python", "text": "text"}
LAMMPS_DOC = re.compile(r"^https?://docs\.lammps\.org/(?:(?:stable|latest)/)?([A-Za-z0-9_]+)\.html$")
KEYWORD_WIDTH = 96  # wrap the parsed-literal keyword lines about here (LAMMPS keeps lines < 100)


class MdError(Exception):
    def __init__(self, lineno, message):
        super().__init__(message)
        self.lineno = lineno
        self.message = message


# ---------------------------------------------------------------------------------------------
# Inline markup

def _before_ok(ch):
    """May an rst inline-markup start-string follow ch (docutils' recognition rule 1)?"""
    if ch is None or ch.isspace() or ch in "-:/'\"<([{":
        return True
    return unicodedata.category(ch) in ("Pd", "Po", "Ps", "Pi", "Pf") and ch != "\\"


def _after_ok(ch):
    """May ch follow an rst inline-markup end-string (docutils' recognition rule 4)?"""
    if ch is None or ch.isspace() or ch in "-.,:;!?\\/'\")]}>":
        return True
    return unicodedata.category(ch) in ("Pd", "Po", "Pe", "Pi", "Pf")


class _Inline:
    """Markdown inline text (may hold newlines) -> rst, keeping the line breaks."""

    def __init__(self, text, lineno, literal_block, links):
        self.text = text
        self.lineno = lineno
        self.literal_block = literal_block  # inside ".. parsed-literal::": code -> *code*
        self.links = links                  # link text -> url already used as a named reference
        self.out = []
        self.need_after = False             # the last thing written was inline markup

    def fail(self, pos, message):
        raise MdError(self.lineno + self.text.count("\n", 0, pos), message)

    def last(self):
        for piece in reversed(self.out):
            if piece:
                return piece[-1]
        return None

    def emit_text(self, s):
        if self.need_after and s and not _after_ok(s[0]):
            self.out.append("\\ ")
        self.need_after = False
        self.out.append(s)

    def emit_markup(self, s):
        prev = self.last()
        if self.need_after and not _after_ok(s[0]):
            self.out.append("\\ ")
        elif not self.need_after and not _before_ok(prev):
            self.out.append("\\ ")
        self.out.append(s)
        self.need_after = True

    @staticmethod
    def plain(s):
        """Can s go verbatim inside rst bold, emphasis or link text? rst does not nest markup, so
        s must hold no Markdown markup (code, emphasis, links, HTML, escapes)."""
        return not re.search(r"[`*<\\]|\]\(|(^|[^0-9A-Za-z])_\S", s)

    def code(self, content, pos):
        if "\t" in content:
            self.fail(pos, "tab in a code span")
        if content.startswith(" ") and content.endswith(" ") and content.strip(" "):
            content = content[1:-1]
        if not content.strip() or content != content.strip():
            self.fail(pos, "code span that starts or ends with white space: `%s`" % content)
        if "``" in content:
            self.fail(pos, "code span holding two backticks in a row: `%s`" % content)
        if (self.literal_block and "*" not in content and "`" not in content and "\n" not in content
                and "\\" not in content):
            return "*%s*" % content
        return "``%s``" % content

    def link(self, label, url, pos):
        if not self.plain(label) or "[" in label or "\n" in url:
            self.fail(pos, "link text with markup or a link split over lines: [%s](%s)" % (label, url))
        m = LAMMPS_DOC.match(url)
        if m:
            return ":doc:`%s <%s>`" % (label, m.group(1))
        if not re.match(r"^https?://[^\s<>`]+$", url):
            self.fail(pos, "link to '%s': only absolute http(s) links are understood "
                           "(a relative link has no target in the LAMMPS manual)" % url)
        key = " ".join(label.lower().split())
        if self.links.get(key, url) != url:
            return "`%s <%s>`__" % (label, url)  # anonymous: the name already points elsewhere
        self.links[key] = url
        return "`%s <%s>`_" % (label, url)

    def run(self):
        t, i, n = self.text, 0, len(self.text)
        while i < n:
            c = t[i]
            nxt = t[i + 1] if i + 1 < n else None
            prv = t[i - 1] if i > 0 else None
            if c == "`":
                run = re.match(r"`+", t[i:]).group(0)
                m = re.compile(r"(?<!`)" + run + r"(?!`)").search(t, i + len(run))
                if not m:
                    self.fail(i, "unmatched backtick")
                self.emit_markup(self.code(t[i + len(run):m.start()], i))
                i = m.end()
            elif c == "!" and nxt == "[":
                self.fail(i, "image: not understood")
            elif c == "[":
                m = re.compile(r"\[([^\[\]]*)\]\(([^()\s]*)\)").match(t, i)
                if m:
                    self.emit_markup(self.link(m.group(1), m.group(2), i))
                    i = m.end()
                    continue
                if re.compile(r"\[[^\[\]]*\](\(|\[)").match(t, i):
                    self.fail(i, "link that is not [text](absolute url): not understood")
                self.emit_text("[")
                i += 1
            elif c == "*" and nxt == "*":
                end = t.find("**", i + 2)
                inner = t[i + 2:end] if end >= 0 else ""
                if (end < 0 or not inner or inner[0].isspace() or inner[-1].isspace()
                        or not self.plain(inner)):
                    self.fail(i, "'**' that is not **bold text** without other markup inside")
                self.emit_markup("**%s**" % inner)
                i = end + 2
            elif c == "*":
                if nxt is None or nxt.isspace():
                    self.emit_text("\\*")  # a lone star, literal in Markdown too
                    i += 1
                    continue
                end = t.find("*", i + 1)
                inner = t[i + 1:end] if end >= 0 else ""
                if end < 0 or inner[-1].isspace() or not self.plain(inner):
                    self.fail(i, "'*' that is not *emphasis* without other markup inside")
                self.emit_markup("*%s*" % inner)
                i = end + 1
            elif c == "_":
                if not (prv and prv.isalnum()) and nxt is not None and not nxt.isspace():
                    self.fail(i, "'_' that may open Markdown emphasis: not understood (use *...*)")
                # a word ending in "_" is an rst reference: escape it
                self.emit_text("\\_" if nxt is None or not nxt.isalnum() else "_")
                i += 1
            elif c == "\\":
                self.fail(i, "backslash (Markdown escape or hard line break): not understood")
            elif c == "<" and nxt is not None and (nxt.isalpha() or nxt in "/!?"):
                self.fail(i, "HTML tag or autolink: not understood")
            elif c == "&" and re.compile(r"&#?\w+;").match(t, i):
                self.fail(i, "HTML entity: not understood")
            elif c == "~" and nxt == "~":
                self.fail(i, "strikethrough: not understood")
            elif c == "|":
                self.emit_text("\\|")
                i += 1
            else:
                j = i + 1
                while j < n and t[j] not in "`![*_\\<&~|":
                    j += 1
                self.emit_text(t[i:j])
                i = j
        return "".join(self.out)


def inline(text, lineno, links, literal_block=False):
    return _Inline(text, lineno, literal_block, links).run()


def guard_line_start(rst):
    """A paragraph or list-item text must not start like an rst block construct."""
    if re.match(r"^(\.\.(\s|$)|[-+*\u2022](\s|$)|\||:[^:`\s]+:(\s|$)|>>>|--?\w|"
                r"\(?(\d+|[A-Za-z]|[ivxlcdmIVXLCDM]+|#)[.)]\s|"
                r"\((\d+|[A-Za-z]|[ivxlcdmIVXLCDM]+|#)\)\s)", rst):
        return "\\" + rst
    return rst


# ---------------------------------------------------------------------------------------------
# Blocks

BULLET = re.compile(r"^([*+-]) +(\S.*)$")
ORDERED = re.compile(r"^(\d{1,9})([.)]) +(\S.*)$")
HEADING = re.compile(r"^(#{1,6})(?:[ ]+(.*?))?[ ]*$")
FENCE = re.compile(r"^(`{3,}|~{3,})[ ]*([^`\s]*)[ ]*$")
TABLE_DELIM = re.compile(r"^\|(?:[ ]*:?-+:?[ ]*\|)+$")
RULE = re.compile(r"^[ ]{0,3}([-*_])(?:[ ]*\1){2,}[ ]*$")
HTML_START = re.compile(r"^<[A-Za-z/!?]")


def starts_block(line):
    return bool(HEADING.match(line) or FENCE.match(line) or BULLET.match(line) or
                line.startswith(("|", ">")) or HTML_START.match(line) or RULE.match(line) or
                re.match(r"^1[.)] ", line))


def table_row(line, lineno):
    if not (line.startswith("|") and line.endswith("|")) or len(line) < 2:
        raise MdError(lineno, "table row that does not start and end with '|'")
    return [cell.strip() for cell in line[1:-1].split("|")]


class Converter:
    def __init__(self, lines):
        self.lines = lines
        self.blocks = []        # rst blocks (strings), joined by blank lines
        self.kinds = []         # what each block is: "section", "transition", "bullets", ...
        self.links = {}
        self.title_seen = False

    def add(self, text, kind="other"):
        self.blocks.append(text)
        self.kinds.append(kind)

    def transition(self, lineno):
        if not self.kinds or self.kinds[-1] in ("transition", "section", "title"):
            raise MdError(lineno, "a '----------' separator here would start a section or follow "
                                  "another one (rst allows neither)")
        self.add(TRANSITION, "transition")

    def convert(self):
        lines = self.lines
        i = 0
        while i < len(lines):
            line = lines[i]
            lineno = i + 1
            if not line.strip():
                i += 1
                continue
            if line.startswith("<!--"):
                i = self.comment(i)
            elif not self.title_seen and not line.startswith("# "):
                raise MdError(lineno, "the page must start with its title '# fix STYLE command'")
            elif HEADING.match(line):
                i = self.heading(i)
            elif FENCE.match(line):
                i = self.fence(i)
            elif line.startswith("|"):
                i = self.table(i)
            elif RULE.match(line):
                self.transition(lineno)
                i += 1
            elif BULLET.match(line) or ORDERED.match(line):
                i = self.listing(i)
            elif line.startswith((" ", ">")) or HTML_START.match(line):
                raise MdError(lineno, "indented code, block quote or HTML block: not understood")
            else:
                i = self.paragraph(i)
        if not self.title_seen:
            raise MdError(len(lines), "no '# fix STYLE command' title")
        if self.kinds[-1] == "transition":
            raise MdError(len(lines), "the page ends with a separator")
        return self.blocks

    def comment(self, i):
        start = i
        body = []
        first = self.lines[i][4:]
        while True:
            text = first if i == start else self.lines[i]
            if "-->" in text:
                before, after = text.split("-->", 1)
                if after.strip():
                    raise MdError(i + 1, "text after '-->' on the same line")
                body.append(before)
                break
            body.append(text)
            i += 1
            if i == len(self.lines):
                raise MdError(start + 1, "comment '<!--' without '-->'")
        body = [b.strip() for b in body]
        while body and not body[0]:
            body.pop(0)
        while body and not body[-1]:
            body.pop()
        if not body or any(not b for b in body):
            raise MdError(start + 1, "empty comment, or a blank line inside a comment")
        self.add("..\n" + "\n".join("   " + b for b in body), "comment")
        return i + 1

    def heading(self, i):
        line, lineno = self.lines[i], i + 1
        m = HEADING.match(line)
        level, text = len(m.group(1)), (m.group(2) or "")
        if not text or text.endswith("#"):
            raise MdError(lineno, "empty heading or closing '#'s: not understood")
        if level == 1:
            if self.title_seen:
                raise MdError(lineno, "a second '#' title")
            t = re.match(r"^(fix \S+) command$", text)
            if not t:
                raise MdError(lineno, "the title must read '# fix STYLE command'")
            self.title_seen = True
            self.add(".. index:: %s" % t.group(1), "index")
            self.add("%s\n%s" % (text, "=" * len(text)), "title")
        elif level == 2:
            rst = inline(text, lineno, self.links)
            if "\n" in rst:
                raise MdError(lineno, "heading over several lines")
            if text == RESTART_SECTION and self.kinds[-1] not in ("transition", "section", "title"):
                self.add(TRANSITION, "transition")
            self.add('%s\n%s' % (rst, '"' * len(rst)), "section")
        elif level == 3:
            if not _Inline.plain(text):
                raise MdError(lineno, "a '###' heading with markup: not understood")
            if self.kinds[-1] not in ("section", "title"):  # rst: no transition opens a section
                self.transition(lineno)
            self.add("**%s**" % text)
        else:
            raise MdError(lineno, "heading level %d: only #, ## and ### are understood" % level)
        self.check_blank_after(i)
        return i + 1

    def check_blank_after(self, i):
        if i + 1 < len(self.lines) and self.lines[i + 1].strip():
            raise MdError(i + 2, "a blank line must follow a heading, a table or a code block")

    def fence(self, i):
        start = i
        m = FENCE.match(self.lines[i])
        marker, info = m.group(1), m.group(2).lower()
        if info not in CODE_LANGUAGES:
            raise MdError(i + 1, "code block language '%s' is not one of: %s"
                          % (info, ", ".join(sorted(k for k in CODE_LANGUAGES if k))))
        body = []
        i += 1
        while True:
            if i == len(self.lines):
                raise MdError(start + 1, "code block without its closing fence")
            line = self.lines[i]
            if re.match(r"^" + marker[0] + "{%d,}[ ]*$" % len(marker), line):
                break
            if "\t" in line:
                raise MdError(i + 1, "tab in a code block")
            body.append(line.rstrip())
            i += 1
        while body and not body[-1]:
            body.pop()
        if not any(body):
            raise MdError(start + 1, "empty code block")
        code = "\n".join(("   " + b) if b else "" for b in body)
        self.add(".. code-block:: %s\n\n%s" % (CODE_LANGUAGES[info], code))
        self.check_blank_after(i)
        return i + 1

    def table(self, i):
        start = i
        rows = []
        while i < len(self.lines) and self.lines[i].startswith("|"):
            rows.append((i + 1, self.lines[i].rstrip()))
            i += 1
        if len(rows) < 3 or not TABLE_DELIM.match(rows[1][1]):
            raise MdError(start + 1, "table without a header, a '|---|' line and a body row")
        header = table_row(rows[0][1], rows[0][0])
        ncol = len(header)
        if len(table_row(rows[1][1], rows[1][0])) != ncol:
            raise MdError(rows[1][0], "the '|---|' line has another number of columns")
        body = []
        for lineno, line in rows[2:]:
            cells = table_row(line, lineno)
            if len(cells) != ncol:
                raise MdError(lineno, "row with %d cells in a table of %d columns" % (len(cells), ncol))
            body.append((lineno, cells))
        if i < len(self.lines) and self.lines[i].strip():
            raise MdError(i + 1, "a blank line must follow a table")
        if header[0].lower() == "keyword" and ncol >= 2:
            self.keyword_table(start + 1, header, body)
        else:
            self.list_table(start + 1, header, body)
        return i

    def keyword_table(self, lineno, header, body):
        names = [h.lower() for h in header[1:]]
        for h in names:
            if not re.match(r"^[a-z][a-z ]*$", h):
                raise MdError(lineno, "keyword table column '%s': plain lower-case words only" % h)
        keywords = []
        entries = []
        for rowline, cells in body:
            m = re.match(r"^`([a-z][a-z0-9_/]*)`$", cells[0])
            if not m:
                raise MdError(rowline, "the keyword cell must be one `keyword` code span")
            kw = m.group(1)
            if kw in keywords:
                raise MdError(rowline, "keyword '%s' twice" % kw)
            keywords.append(kw)
            first = True
            for name, cell in zip(names, cells[1:]):
                if not cell:
                    raise MdError(rowline, "empty '%s' cell of keyword '%s'" % (name, kw))
                lead = ("*%s* %s = " % (kw, name)) if first else ("%s = " % name)
                indent = 7 if first else 9
                entries.append(self.wrap_keyword(lead, cell, indent, rowline))
                first = False
        block = ("* keyword = " + " or ".join("*%s*" % k for k in keywords) + "\n\n"
                 "  .. parsed-literal::\n\n" + "\n".join(entries))
        if self.kinds and self.kinds[-1] == "bullets":
            # the last bullet of the Syntax list, as LAMMPS pages have it
            self.blocks[-1] += "\n" + block
            self.kinds[-1] = "other"
        else:
            self.add(block)

    def wrap_keyword(self, lead, cell, indent, lineno):
        """One keyword-list line, wrapped at spaces outside inline markup; continuation lines
        indented 4 more than the line."""
        protected = [False] * len(cell)
        for m in re.finditer(r"(`+).*?\1|\[[^\]]*\]\([^)]*\)|\*\*.+?\*\*|\*[^*\s][^*]*?\*", cell):
            for k in range(m.start(), m.end()):
                protected[k] = True
        words, cur = [], ""
        for ch, prot in zip(cell, protected):
            if ch == " " and not prot:
                if cur:
                    words.append(cur)
                cur = ""
            else:
                cur += ch
        if cur:
            words.append(cur)
        lines, line = [], []
        prefix = " " * indent + lead
        width = len(prefix)
        for w in words:
            if line and width + 1 + len(w) > KEYWORD_WIDTH:
                lines.append((prefix, line))
                line, prefix = [], " " * (indent + 4)
                width = len(prefix)
            width += (1 if line else 0) + len(w)
            line.append(w)
        lines.append((prefix, line))
        # each line's Markdown converted on its own (the breaks fall outside inline markup)
        return "\n".join(p + inline(" ".join(ws), lineno, self.links, literal_block=True)
                         for p, ws in lines)

    def list_table(self, lineno, header, body):
        out = [".. list-table::", "   :header-rows: 1", ""]
        for rowline, cells in [(lineno, header)] + body:
            for k, cell in enumerate(cells):
                rst = inline(cell, rowline, self.links)
                out.append(("   * - " if k == 0 else "     - ") + rst if rst else
                           ("   * -" if k == 0 else "     -"))
        self.add("\n".join(out))

    def listing(self, i):
        first = self.lines[i]
        ordered = ORDERED.match(first) is not None
        bullet_char = None if ordered else BULLET.match(first).group(1)
        items = []          # (lineno, number, [text lines])
        while i < len(self.lines):
            line = self.lines[i]
            mb, mo = BULLET.match(line), ORDERED.match(line)
            if ordered and mo:
                if mo.group(2) != ORDERED.match(first).group(2):
                    raise MdError(i + 1, "numbered list switching between '.' and ')'")
                items.append((i + 1, int(mo.group(1)), [mo.group(3)]))
            elif not ordered and mb:
                if mb.group(1) != bullet_char:
                    raise MdError(i + 1, "bullet list switching between '*', '-' and '+'")
                items.append((i + 1, None, [mb.group(2)]))
            elif (mb and ordered) or (mo and not ordered):
                raise MdError(i + 1, "bullet and numbered items in one list")
            elif not line.strip():
                # a blank line: the list goes on only with another item
                j = i + 1
                while j < len(self.lines) and not self.lines[j].strip():
                    j += 1
                if j < len(self.lines) and self.lines[j].startswith(" "):
                    raise MdError(j + 1, "indented block after a blank line in a list (nested list "
                                         "or a second paragraph in an item): not understood")
                if j < len(self.lines) and ((ordered and ORDERED.match(self.lines[j])) or
                                            (not ordered and BULLET.match(self.lines[j]))):
                    i = j
                    continue
                break
            else:
                stripped = line.strip()
                if (BULLET.match(stripped) or ORDERED.match(stripped) or FENCE.match(stripped)
                        or HEADING.match(stripped) or stripped.startswith(("|", ">"))
                        or HTML_START.match(stripped)):
                    raise MdError(i + 1, "nested block inside a list item: not understood")
                items[-1][2].append(stripped)
            i += 1
        out = []
        expected = items[0][1]
        for lineno, number, text in items:
            if ordered and number != expected:
                raise MdError(lineno, "item numbered %d where the Markdown renders %d: number the "
                                      "items 1, 2, 3, ... as they appear" % (number, expected))
            self.check_lines(text, lineno)
            rst = guard_line_start(inline("\n".join(text), lineno, self.links))
            marker = "%d. " % number if ordered else "* "
            pad = " " * len(marker)
            rl = rst.split("\n")
            out.append(marker + rl[0])
            out.extend(pad + r for r in rl[1:])
            if ordered:
                expected += 1
        self.add("\n".join(out), "numbered" if ordered else "bullets")
        return i

    def check_lines(self, text, lineno):
        for k, t in enumerate(text):
            if re.match(r"^([!-/:-@\[-`{-~])\1{3,}$", t):
                raise MdError(lineno + k, "a line of repeated punctuation (a setext heading or "
                                          "an rst title underline): not understood")

    def paragraph(self, i):
        start = i
        text = []
        while i < len(self.lines) and self.lines[i].strip():
            line = self.lines[i]
            if i > start and re.match(r"^(=+|-+)[ ]*$", line):
                raise MdError(i + 1, "setext heading: not understood (use '##')")
            if i > start and starts_block(line.lstrip()):
                raise MdError(i + 1, "a block (heading, list, table, code, quote, HTML or rule) "
                                     "interrupting a paragraph: put a blank line before it")
            text.append(line.strip())
            i += 1
        self.check_lines(text, start + 1)
        rst = guard_line_start(inline("\n".join(text), start + 1, self.links))
        if rst.endswith("::"):
            raise MdError(i, "a paragraph ending in '::' (an rst literal block marker)")
        self.add(rst)
        return i


def convert(markdown, source_name):
    lines = markdown.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for k, line in enumerate(lines):
        if "\t" in line:
            raise MdError(k + 1, "tab character: not understood")
        if line.endswith("  ") and line.strip():
            raise MdError(k + 1, "two trailing spaces (a Markdown hard line break): not understood")
        if "\r" in line:
            raise MdError(k + 1, "carriage return: not understood")
    lines = [line.rstrip() for line in lines]
    blocks = Converter(lines).convert()
    header = ("..\n"
              "   Generated by tools/md2rst.py from %s: edit the Markdown and\n"
              "   regenerate this file; do not edit it by hand." % source_name)
    return header + "\n\n" + "\n\n".join(blocks) + "\n"


def main():
    parser = argparse.ArgumentParser(description="Markdown fix page -> LAMMPS manual rst page.")
    parser.add_argument("markdown", help="the fix's Markdown page, e.g. docs/fix_drift_boltzmann.md")
    parser.add_argument("-o", "--output", help="rst file to write (default: standard output)")
    args = parser.parse_args()
    path = os.path.abspath(args.markdown)
    # The name in the generated header is relative to the repository root, whatever the current
    # directory, so the output does not depend on where the script is run from.
    source_name = os.path.relpath(path, ROOT).replace(os.sep, "/")
    try:
        with open(path, encoding="utf-8") as f:
            markdown = f.read()
    except (OSError, UnicodeDecodeError) as e:
        sys.exit("md2rst: cannot read %s: %s" % (args.markdown, e))
    try:
        rst = convert(markdown, source_name)
    except MdError as e:
        sys.exit("md2rst: %s:%d: %s" % (args.markdown, e.lineno, e.message))
    if args.output:
        tmp = args.output + ".tmp"
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write(rst)
        os.replace(tmp, args.output)
    else:
        sys.stdout.write(rst)


if __name__ == "__main__":
    main()
