namespace Portal.Connectors.Anonymization.Generalization;

/// <summary>
/// What the lattice search works from: the quasi-identifiers' hierarchies and the table of distinct combinations of
/// their original values with counts (and sensitive histograms). Records are not kept: memory follows the number of
/// distinct combinations. Build it with <see cref="GeneralizationInputBuilder"/>.
/// </summary>
public sealed class GeneralizationInput
{
    internal GeneralizationInput(IReadOnlyList<HierarchyLevels> hierarchies, ClassTable bottom, long rows, string? sensitiveColumn, IReadOnlyList<string> sensitiveLabels)
    {
        Hierarchies = hierarchies;
        Bottom = bottom;
        Rows = rows;
        SensitiveColumn = sensitiveColumn;
        SensitiveLabels = sensitiveLabels;
        var totals = new long[sensitiveLabels.Count];
        for (var cls = 0; cls < bottom.Count; cls++)
        {
            var histogram = bottom.SensitiveOf(cls);
            for (var s = 0; s < histogram.Length; s++)
            {
                totals[s] += histogram[s];
            }
        }
        SensitiveTotals = totals;
    }

    public IReadOnlyList<HierarchyLevels> Hierarchies { get; }

    /// <summary>The classes of the lattice's bottom node (every quasi-identifier at level 0).</summary>
    public ClassTable Bottom { get; }

    public long Rows { get; }

    public string? SensitiveColumn { get; }

    /// <summary>[sensitive ordinal] → value as read.</summary>
    public IReadOnlyList<string> SensitiveLabels { get; }

    /// <summary>[sensitive ordinal] → records with that value in the whole input (t-closeness compares classes with it).</summary>
    public IReadOnlyList<long> SensitiveTotals { get; }
}

/// <summary>Counts records into distinct quasi-identifier combinations, one record at a time.</summary>
public sealed class GeneralizationInputBuilder
{
    private readonly IReadOnlyList<HierarchyLevels> _hierarchies;
    private readonly string? _sensitiveColumn;
    private readonly Dictionary<long, int> _combinations = [];
    private readonly List<int> _leaves = [];
    private readonly List<int> _sizes = [];
    private readonly Dictionary<long, int> _sensitiveCounts = [];
    private readonly Dictionary<string, int> _sensitiveOrdinals = new(StringComparer.Ordinal);
    private readonly List<string> _sensitiveLabels = [];
    private readonly long[] _strides;
    private readonly int[] _row;
    private long _rows;

    public GeneralizationInputBuilder(IReadOnlyList<HierarchyLevels> hierarchies, string? sensitiveColumn)
    {
        ArgumentNullException.ThrowIfNull(hierarchies);
        if (hierarchies.Count == 0)
        {
            throw new GeneralizationException("generalization.hierarchy.none", "no quasi-identifier with a hierarchy: nothing to generalize");
        }
        _hierarchies = hierarchies;
        _sensitiveColumn = sensitiveColumn;
        _strides = new long[hierarchies.Count];
        _row = new int[hierarchies.Count];
        long space = 1;
        for (var q = hierarchies.Count - 1; q >= 0; q--)
        {
            _strides[q] = space;
            space = space <= long.MaxValue / hierarchies[q].LeafCount
                ? space * hierarchies[q].LeafCount
                : throw new GeneralizationException("generalization.input.too_many_combinations", "the quasi-identifiers have too many value combinations to number in 64 bits; use fewer or coarser ones");
        }
    }

    /// <summary>Adds one record: its quasi-identifier values in the hierarchies' order, and its sensitive value if one is modelled.</summary>
    public void Add(IReadOnlyList<string> quasiIdentifiers, string? sensitive)
    {
        ArgumentNullException.ThrowIfNull(quasiIdentifiers);
        _rows++;
        long key = 0;
        for (var q = 0; q < _row.Length; q++)
        {
            var leaf = _hierarchies[q].LeafOf(quasiIdentifiers[q]);
            if (leaf < 0)
            {
                // The value is not quoted: it is data, and error messages reach people who may not see the data.
                throw new GeneralizationException("generalization.hierarchy.value_missing", $"record {_rows}: the value of {_hierarchies[q].Column} is not in its hierarchy");
            }
            _row[q] = leaf;
            key += leaf * _strides[q];
        }
        if (!_combinations.TryGetValue(key, out var cls))
        {
            cls = _sizes.Count;
            _combinations.Add(key, cls);
            _leaves.AddRange(_row);
            _sizes.Add(0);
        }
        _sizes[cls]++;
        if (_sensitiveColumn is not null)
        {
            var value = sensitive ?? "";
            if (!_sensitiveOrdinals.TryGetValue(value, out var s))
            {
                s = _sensitiveLabels.Count < 1 << 24 ? _sensitiveLabels.Count : throw new GeneralizationException("generalization.sensitive.too_many_values", $"{_sensitiveColumn} has more than {1 << 24} distinct values");
                _sensitiveOrdinals.Add(value, s);
                _sensitiveLabels.Add(value);
            }
            var pair = ((long)cls << 24) | (uint)s;
            _sensitiveCounts[pair] = _sensitiveCounts.GetValueOrDefault(pair) + 1;
        }
    }

    public GeneralizationInput Build()
    {
        if (_rows == 0)
        {
            throw new GeneralizationException("generalization.input.empty", "the input has no records");
        }
        var s = _sensitiveLabels.Count;
        var sensitive = new int[_sizes.Count * s];
        foreach (var (pair, count) in _sensitiveCounts)
        {
            sensitive[(int)(pair >> 24) * s + (int)(pair & 0xFFFFFF)] = count;
        }
        var bottom = new ClassTable(0, new int[_hierarchies.Count], _sizes.Count, [.. _leaves], [.. _sizes], s, sensitive);
        return new GeneralizationInput(_hierarchies, bottom, _rows, _sensitiveColumn, [.. _sensitiveLabels]);
    }
}
