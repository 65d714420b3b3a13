using Portal.Connectors.Rows;

namespace Portal.Connectors.Anonymization;

/// <summary>
/// What the class count found: per group, its generalized quasi-identifiers (as ordinals of this object's own
/// column tables) and its number of rows. Filled by the count pass alone, which may run on another thread than
/// the stream; <see cref="ClassIndex.Build"/> then takes it over. Groups that merge into one class (e.g. all
/// restricted postcode prefixes become "000") stay separate entries here and are added up in the index.
/// </summary>
internal sealed class CountedGroups
{
    private readonly List<int> _ordinals = [];
    private readonly List<long> _rows = [];

    public CountedGroups(int quasiIdentifiers)
    {
        Columns = new ColumnOrdinals[quasiIdentifiers];
        for (var i = 0; i < Columns.Length; i++)
        {
            Columns[i] = new ColumnOrdinals();
        }
    }

    public ColumnOrdinals[] Columns { get; }

    public int Count => _rows.Count;

    public void Add(ReadOnlySpan<Cell> tuple, long rows)
    {
        for (var i = 0; i < tuple.Length; i++)
        {
            _ordinals.Add(Columns[i].Find(tuple[i]));
        }
        _rows.Add(rows);
    }

    /// <summary>Adds a group whose values are already numbered in <see cref="Columns"/>.</summary>
    public void AddNumbered(ReadOnlySpan<int> ordinals, long rows)
    {
        foreach (var o in ordinals)
        {
            _ordinals.Add(o);
        }
        _rows.Add(rows);
    }

    public long Rows(int group) => _rows[group];

    public int Ordinal(int group, int column) => _ordinals[(group * Columns.Length) + column];
}
