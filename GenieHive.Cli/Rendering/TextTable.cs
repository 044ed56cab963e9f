namespace GenieHive.Cli.Rendering;

/// <summary>
/// A plain-text table: a header row, a rule, and rows, every column padded to its widest cell (numbers
/// right-aligned), two spaces between columns, no trailing spaces. Readable in any terminal and in logs.
/// </summary>
public sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];
    private readonly bool[] _rightAligned = new bool[headers.Length];

    public int RowCount => _rows.Count;

    /// <summary>Right-aligns the named columns (numbers).</summary>
    public TextTable AlignRight(params string[] columns)
    {
        foreach (var column in columns)
        {
            var index = Array.IndexOf(headers, column);
            if (index >= 0)
            {
                _rightAligned[index] = true;
            }
        }

        return this;
    }

    public void Add(params string?[] cells)
    {
        var row = new string[headers.Length];
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = i < cells.Length ? Clean(cells[i]) : "";
        }

        _rows.Add(row);
    }

    /// <summary>The table as lines (without line breaks).</summary>
    public List<string> Lines()
    {
        var widths = new int[headers.Length];
        for (var i = 0; i < headers.Length; i++)
        {
            widths[i] = Math.Max(headers[i].Length, _rows.Count == 0 ? 0 : _rows.Max(row => row[i].Length));
        }

        var lines = new List<string>(_rows.Count + 2) { Line(headers, widths), Line([.. widths.Select(w => new string('-', w))], widths) };
        lines.AddRange(_rows.Select(row => Line(row, widths)));
        return lines;
    }

    public void WriteTo(TextWriter writer)
    {
        foreach (var line in Lines())
        {
            writer.WriteLine(line);
        }
    }

    private string Line(string[] cells, int[] widths)
    {
        var parts = new string[cells.Length];
        for (var i = 0; i < cells.Length; i++)
        {
            parts[i] = _rightAligned[i] ? cells[i].PadLeft(widths[i]) : cells[i].PadRight(widths[i]);
        }

        return string.Join("  ", parts).TrimEnd();
    }

    // One line per row: a cell never breaks the table.
    private static string Clean(string? cell) =>
        string.IsNullOrEmpty(cell) ? "" : cell.ReplaceLineEndings(" ").Replace('\t', ' ');
}
