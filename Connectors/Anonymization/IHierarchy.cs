namespace Portal.Connectors.Anonymization;

/// <summary>
/// What a <c>hierarchy</c> transform needs: the generalization of one value at one level. Either a table
/// (<see cref="GeneralizationHierarchy"/>, an ARX file or a category spec) or computed from the value itself
/// (<see cref="Hierarchies.ComputedHierarchy"/>: dates, numbers, postcodes), which covers values no list foresaw.
/// </summary>
public interface IHierarchy
{
    /// <summary>Number of levels, the original value (level 0) included.</summary>
    int Levels { get; }

    /// <summary>The generalization of <paramref name="value"/> at <paramref name="level"/>, or null if the hierarchy does not cover the value.</summary>
    string? Generalize(ReadOnlySpan<char> value, int level);
}
