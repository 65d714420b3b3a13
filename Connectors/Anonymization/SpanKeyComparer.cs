namespace Portal.Connectors.Anonymization;

/// <summary>
/// Ordinal string keys looked up by span. Marvin (randomized per process) from the first key rather than
/// StringComparer.Ordinal's non-randomized hash until collisions pile up: keys are built from data values,
/// which must not be able to steer a table's probes.
/// </summary>
internal sealed class SpanKeyComparer : IEqualityComparer<string>, IAlternateEqualityComparer<ReadOnlySpan<char>, string>
{
    public static readonly SpanKeyComparer Instance = new();

    public bool Equals(string? x, string? y) => string.Equals(x, y, StringComparison.Ordinal);

    public int GetHashCode(string obj) => string.GetHashCode(obj.AsSpan());

    public bool Equals(ReadOnlySpan<char> alternate, string other) => alternate.SequenceEqual(other);

    public int GetHashCode(ReadOnlySpan<char> alternate) => string.GetHashCode(alternate);

    public string Create(ReadOnlySpan<char> alternate) => new(alternate);
}
