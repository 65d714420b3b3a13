using System.Text;
using Portal.Connectors.Anonymization.Hierarchies;

namespace Portal.Connectors.Anonymization;

/// <summary>
/// A value generalization hierarchy in ARX's CSV format: one line per original value,
/// <c>value;level1;level2;…;*</c>. Level 0 is the value itself. Every instance has passed
/// <see cref="HierarchyValidator"/>: levels nest, one top value, no cycle, within the size limits.
/// </summary>
public sealed class GeneralizationHierarchy : IHierarchy
{
    private readonly Dictionary<string, string[]> _rows;
    private readonly Dictionary<string, string[]>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    private GeneralizationHierarchy(string name, Dictionary<string, string[]> rows, int levels)
    {
        Name = name;
        _rows = rows;
        _lookup = rows.GetAlternateLookup<ReadOnlySpan<char>>();
        Levels = levels;
    }

    /// <summary>The file name or column the hierarchy came from, for messages.</summary>
    public string Name { get; }

    public int Levels { get; }

    public int Count => _rows.Count;

    /// <summary>Every line of the file (original value first), for the lattice search's own checks.</summary>
    internal IEnumerable<string[]> Rows => _rows.Values;

    /// <summary>Reads an ARX file; a file above <see cref="HierarchyValidator.MaxChars"/> bytes is refused before it is read.</summary>
    public static GeneralizationHierarchy Load(string path, char separator = ';')
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Parse(stream, Path.GetFileName(path), separator);
    }

    /// <summary>Parses UTF-8 bytes (an upload, a database column); a seekable stream longer than the limit is refused unread.</summary>
    public static GeneralizationHierarchy Parse(Stream stream, string name, char separator = ';')
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (stream.CanSeek && stream.Length - stream.Position > HierarchyValidator.MaxChars)
        {
            throw new ConnectorException("hierarchy.too_large", $"{name}: the hierarchy has {stream.Length - stream.Position} bytes, more than the limit of {HierarchyValidator.MaxChars}");
        }
        using var reader = new StreamReader(stream, new UTF8Encoding(false, true), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 14, leaveOpen: true);
        return Parse(reader, name, separator);
    }

    /// <summary>Parses text line by line, never holding more than the size limit.</summary>
    public static GeneralizationHierarchy Parse(TextReader reader, string name, char separator = ';')
    {
        var (rows, lines) = HierarchyReader.ReadRows(reader, name, separator);
        return FromRows(name, rows, lines);
    }

    /// <summary>A hierarchy from rows made in memory (builders, materialized computed hierarchies), validated like a file.</summary>
    public static GeneralizationHierarchy FromRows(string name, IReadOnlyList<string[]> rows) => FromRows(name, rows, null);

    private static GeneralizationHierarchy FromRows(string name, IReadOnlyList<string[]> rows, IReadOnlyList<int>? lines)
    {
        ArgumentNullException.ThrowIfNull(rows);
        HierarchyValidator.Validate(name, rows, lines);
        var table = new Dictionary<string, string[]>(rows.Count, StringComparer.Ordinal);
        foreach (var row in rows)
        {
            table.Add(row[0], row);
        }
        return new GeneralizationHierarchy(name, table, rows[0].Length);
    }

    /// <summary>The generalization of <paramref name="value"/> at <paramref name="level"/>, or null if the value is not in the hierarchy.</summary>
    public string? Generalize(ReadOnlySpan<char> value, int level) =>
        _lookup.TryGetValue(value, out var row) ? row[level] : null;
}
