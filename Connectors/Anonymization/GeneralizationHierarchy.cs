using System.Text;

namespace Portal.Connectors.Anonymization;

/// <summary>
/// A value generalization hierarchy in ARX's CSV format: one line per original value,
/// <c>value;level1;level2;…;*</c>. Level 0 is the value itself.
/// </summary>
public sealed class GeneralizationHierarchy
{
    private readonly Dictionary<string, string[]> _rows;
    private readonly Dictionary<string, string[]>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    private GeneralizationHierarchy(Dictionary<string, string[]> rows, int levels)
    {
        _rows = rows;
        _lookup = rows.GetAlternateLookup<ReadOnlySpan<char>>();
        Levels = levels;
    }

    public int Levels { get; }

    public int Count => _rows.Count;

    /// <summary>Every line of the file (original value first), for the lattice search's own checks.</summary>
    internal IEnumerable<string[]> Rows => _rows.Values;

    public static GeneralizationHierarchy Load(string path, char separator = ';')
    {
        var rows = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var levels = -1;
        var lineNumber = 0;
        var name = Path.GetFileName(path);
        using var reader = new StreamReader(path, new UTF8Encoding(false, true));
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }
            var fields = line.Split(separator);
            if (levels < 0)
            {
                levels = fields.Length;
            }
            else if (fields.Length != levels)
            {
                throw new FormatException($"{name} line {lineNumber}: {fields.Length} levels where earlier lines have {levels}");
            }
            if (!rows.TryAdd(fields[0], fields))
            {
                throw new FormatException($"{name} line {lineNumber}: the value is listed twice");
            }
        }
        if (levels < 1)
        {
            throw new FormatException($"{name}: the hierarchy is empty");
        }
        return new GeneralizationHierarchy(rows, levels);
    }

    /// <summary>The generalization of <paramref name="value"/> at <paramref name="level"/>, or null if the value is not in the hierarchy.</summary>
    public string? Generalize(ReadOnlySpan<char> value, int level) =>
        _lookup.TryGetValue(value, out var row) ? row[level] : null;
}
