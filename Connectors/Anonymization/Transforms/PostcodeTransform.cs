using System.Runtime.CompilerServices;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Anonymization.Transforms;

/// <summary>Keeps the leading digits of a postcode; prefixes listed as restricted (too few inhabitants) become zeros.</summary>
internal sealed class PostcodeTransform(int digits, IReadOnlyList<string> restrictedPrefixes) : ColumnTransform
{
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _restricted =
        new HashSet<string>(restrictedPrefixes, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    // The same prefixes as packed keys: a row's prefix is looked up without hashing its text.
    private readonly HashSet<long> _restrictedKeys = restrictedPrefixes
        .Select(p => ShortAsciiKey.TryPack(p, out var key) ? key : (long?)null).OfType<long>().ToHashSet(RandomizedLongComparer.Instance);

    private readonly Cell _zeros = Cell.FromText(new string('0', digits));

    public override string Describe() => $"postcode({digits} leading characters, {restrictedPrefixes.Count} restricted prefixes → {new string('0', digits)})";

    public override bool Accepts(ColumnType input) => input is ColumnType.Text or ColumnType.Integer;

    public override ColumnReduction Reduction { get; } = new(PushdownReduction.Prefix, digits);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override Cell Apply(Cell value, Cell subject)
    {
        if (value.IsNull)
        {
            return value;
        }
        // No trimming: the database pre-reduces with left(value, digits), and both must agree exactly.
        var text = value.Kind == CellKind.Text ? value.Text : value.ToString().AsMemory();
        var prefix = text[..Math.Min(digits, text.Length)];
        var restricted = ShortAsciiKey.TryPack(prefix.Span, out var key) ? _restrictedKeys.Contains(key) : _restricted.Contains(prefix.Span);
        return restricted ? _zeros : Cell.FromText(prefix);
    }
}
