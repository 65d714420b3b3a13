using System.Runtime.CompilerServices;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Anonymization.Transforms;

/// <summary>
/// Each distinct source value's generalization at one level, computed once: a built hierarchy parses and formats per
/// value (a date's text, a band's label), while a column holds far fewer distinct values than rows (birth dates,
/// postcodes). Scalars and short ASCII texts are looked up by one long per kind (<see cref="ShortAsciiKey"/>, stored
/// bits as in <see cref="ColumnOrdinals"/>: one-to-one with their text), other texts by span, so a hit allocates
/// nothing. At most <see cref="MaxValues"/> values are remembered (memory stays flat on a column of unique values);
/// after that, new values are computed each time. Values the hierarchy does not cover are never remembered.
/// Not thread-safe: it belongs to one transform of one plan.
/// </summary>
internal sealed class GeneralizationCache(IHierarchy hierarchy, int level)
{
    public const int MaxValues = 1 << 16;

    private readonly LongOrdinalTable?[] _byKind = new LongOrdinalTable?[(int)CellKind.Boolean + 1];
    private readonly Dictionary<string, int> _texts = new(SpanKeyComparer.Instance);
    private readonly List<Cell> _results = [];

    // Generalized labels are few (years, bands, prefixes): one string each, however many values lead to it.
    private readonly Dictionary<string, Cell> _labels = new(StringComparer.Ordinal);

    public int Count => _results.Count;

    /// <summary>The generalization of a non-null value, or null if the hierarchy does not cover it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Cell? Generalize(Cell value)
    {
        if (value.Kind == CellKind.Text)
        {
            // Trimmed, as the hierarchy sees it: "12345 " and "12345" are one value to it.
            var text = value.Text.Span.Trim();
            return ShortAsciiKey.TryPack(text, out var packed) ? Scalar(CellKind.Text, packed, value) : Text(text);
        }
        return Scalar(value.Kind, value.Bits, value);
    }

    private Cell? Scalar(CellKind kind, long key, Cell value)
    {
        var table = _byKind[(int)kind];
        if (table is not null && table.Find(key) is var known and >= 0)
        {
            return _results[known];
        }
        if (Compute(value) is not { } result)
        {
            return null;
        }
        if (_results.Count < MaxValues)
        {
            table ??= _byKind[(int)kind] = new LongOrdinalTable();
            table.GetOrAdd(key, _results.Count, out _);
            _results.Add(result);
        }
        return result;
    }

    private Cell? Text(ReadOnlySpan<char> text)
    {
        var lookup = _texts.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(text, out var known))
        {
            return _results[known];
        }
        if (Label(hierarchy.Generalize(text, level)) is not { } result)
        {
            return null;
        }
        if (_results.Count < MaxValues)
        {
            _texts.Add(text.ToString(), _results.Count);
            _results.Add(result);
        }
        return result;
    }

    private Cell? Compute(Cell value)
    {
        if (value.Kind == CellKind.Text)
        {
            return Label(hierarchy.Generalize(value.Text.Span.Trim(), level));
        }
        Span<char> buffer = stackalloc char[48];
        return value.TryFormat(buffer, out var written) ? Label(hierarchy.Generalize(buffer[..written], level)) : Label(hierarchy.Generalize(value.ToString(), level));
    }

    private Cell? Label(string? general)
    {
        if (general is null)
        {
            return null;
        }
        if (_labels.TryGetValue(general, out var cell))
        {
            return cell;
        }
        cell = Cell.FromText(general);
        if (_labels.Count < MaxValues)
        {
            _labels.Add(general, cell);
        }
        return cell;
    }
}
