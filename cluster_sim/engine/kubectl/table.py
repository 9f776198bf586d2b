"""Go's text/tabwriter, as kubectl configures it, and kubectl's table layout.

`tabwrite` is a port of the elastic-tabstop algorithm in github.com/liggitt/tabwriter
(a fork of Go's text/tabwriter that kubectl uses; it adds RememberWidths). Cells are
tab-terminated: text after the last tab of a line is not part of a column and is never
padded. A cell is as wide as its code points (the tabwriter counts runes).

kubectl get: k8s.io/cli-runtime/pkg/printers/tabwriter.go (minwidth 6, tabwidth 4,
padding 3, pad ' ', RememberWidths) and tableprinter.go printTable (upper-case headers,
rows flushed every 100 so later rows keep the widths already printed).
kubectl describe: k8s.io/kubectl/pkg/describe tabbedString (minwidth 0, tabwidth 8,
padding 2, pad ' ', no flags).
"""

GET_MINWIDTH = 6
GET_PADDING = 3
GET_FLUSH_INTERVAL = 100
DESCRIBE_MINWIDTH = 0
DESCRIBE_PADDING = 2

# cli-runtime printers/terminal.go terminalEscaper: defuse terminal escape sequences.
_ESCAPES = str.maketrans({"\x1b": "^[", "\r": "\\r"})
# tableprinter.go cellBreakChars: a cell is cut at the first of these and gets "...".
_CELL_BREAKS = "\f\n\r"


def escape_terminal(text: str) -> str:
    """printers.WriteEscaped: ESC becomes `^[` and CR becomes a literal `\\r`."""
    return text.translate(_ESCAPES)


def table_cell(value) -> str:
    """tableprinter.go appendCellValue: one line only, escaped."""
    text = "" if value is None else str(value)
    cut = min((i for i in (text.find(c) for c in _CELL_BREAKS) if i >= 0), default=-1)
    if cut >= 0:
        return escape_terminal(text[:cut]) + "..."
    return escape_terminal(text)


def tabwrite(
    text: str,
    *,
    minwidth: int,
    padding: int,
    padchar: str = " ",
    remembered: list[int] | None = None,
) -> str:
    """Align tab-terminated cells the way tabwriter.Writer.Flush does for one flush.

    Pass a list as `remembered` to get the RememberWidths flag: it carries each column's
    widest width into later flushes (and is updated in place).
    """
    lines = [line.split("\t") for line in text.split("\n")]
    if lines[-1] == [""]:
        lines[-1] = []  # text ended with a newline: the last line has no cells yet
    out: list[str] = []
    _format(lines, [], 0, len(lines), minwidth, padding, padchar, remembered, out)
    return "".join(out)


def _format(lines, widths, line0, line1, minwidth, padding, padchar, remembered, out):
    """tabwriter.Writer.format: find column blocks left to right, recursively."""
    column = len(widths)
    this = line0
    while this < line1:
        if column >= len(lines[this]) - 1:
            this += 1
            continue
        _write_lines(lines, widths, line0, this, padchar, out)
        line0 = this
        width = minwidth
        while this < line1 and column < len(lines[this]) - 1:
            width = max(width, len(lines[this][column]) + padding)
            this += 1
        if remembered is not None:
            if len(remembered) < len(widths):
                remembered.extend(widths[len(remembered) :])
            if len(remembered) == len(widths):
                remembered.append(width)
            else:
                width = max(width, remembered[column])
                remembered[column] = width
        widths.append(width)
        _format(lines, widths, line0, this, minwidth, padding, padchar, remembered, out)
        widths.pop()
        line0 = this
    _write_lines(lines, widths, line0, line1, padchar, out)


def _write_lines(lines, widths, line0, line1, padchar, out):
    for i in range(line0, line1):
        for j, cell in enumerate(lines[i]):
            out.append(cell)
            if j < len(widths):
                out.append(padchar * (widths[j] - len(cell)))
        if i + 1 < len(lines):
            out.append("\n")


def render_table(headers: list[str], rows: list[list[str]], *, no_headers: bool = False) -> str:
    """A kubectl get table: header line (unless no_headers), then one line per row.

    Headers are printed as given (kubectl upper-cases column names; pass them upper-case).
    Every line ends with a newline; the last column is never padded.
    """
    remembered: list[int] = []
    chunks = []
    lines = [] if no_headers else ["\t".join(headers)]
    for index, row in enumerate(rows, start=1):
        lines.append("\t".join(table_cell(cell) for cell in row))
        if index % GET_FLUSH_INTERVAL == 0:
            chunks.append(_flush(lines, remembered))
            lines = []
    if lines:
        chunks.append(_flush(lines, remembered))
    return "".join(chunks)


def _flush(lines: list[str], remembered: list[int]) -> str:
    text = "\n".join(lines) + "\n"
    return tabwrite(text, minwidth=GET_MINWIDTH, padding=GET_PADDING, remembered=remembered)


def describe_tabwrite(text: str) -> str:
    """kubectl describe's tabbedString layout."""
    return tabwrite(text, minwidth=DESCRIBE_MINWIDTH, padding=DESCRIBE_PADDING)
