using Portal.Connectors.Anonymization.Transforms;

namespace Portal.Connectors.Anonymization.Hierarchies;

/// <summary>
/// A hierarchy whose levels are computed from the value (a date's month, a number's interval, a postcode's prefix):
/// it needs no list of values, so an export generalizes any value of the right form. The lattice search, which numbers
/// groups, works on <see cref="Materialize"/>: the table of the values the data actually holds.
/// </summary>
public abstract class ComputedHierarchy : IHierarchy
{
    public abstract int Levels { get; }

    /// <summary>What the transform's description and messages call it, e.g. "date(month, year, 5years)".</summary>
    public abstract string Describe();

    /// <summary>
    /// What a database may do to a value before grouping so that <see cref="Generalize"/> at <paramref name="level"/>
    /// gives the same answer for the reduced value as for the original (values it does not cover included): the class
    /// count then groups by the generalized value instead of the raw one.
    /// </summary>
    public virtual ColumnReduction Reduction(int level) => ColumnReduction.None;

    /// <summary>Null when the value does not have the hierarchy's form (not a date, not a number, another length): no level covers it.</summary>
    public abstract string? Generalize(ReadOnlySpan<char> value, int level);

    /// <summary>The table of these values (those the hierarchy covers; duplicates once), validated like a file.</summary>
    public GeneralizationHierarchy Materialize(string name, IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var rows = new List<string[]>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            if (!seen.Add(value) || Generalize(value, 0) is null)
            {
                continue;
            }
            var row = new string[Levels];
            for (var level = 0; level < row.Length; level++)
            {
                row[level] = Generalize(value, level)!;
            }
            rows.Add(row);
        }
        return GeneralizationHierarchy.FromRows(name, rows);
    }
}
