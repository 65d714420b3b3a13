using System.Buffers;
using Portal.Connectors.Anonymization.Transforms;

namespace Portal.Connectors.Anonymization.Hierarchies;

/// <summary>
/// Postcodes of a fixed length, one trailing character hidden per level: 12345 → 1234* → 123** → 12*** → 1**** → *.
/// A value of another length, or with characters other than ASCII letters and digits, is not covered: truncating it
/// would put it in a group with different meaning.
/// </summary>
public sealed class PostcodeHierarchy : ComputedHierarchy
{
    public const int MaxLength = 16;

    private static readonly SearchValues<char> Allowed = SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private readonly int _length;

    public PostcodeHierarchy(int length)
    {
        if (Problems(length).FirstOrDefault() is { } problem)
        {
            throw new ConnectorException("hierarchy.build.invalid", $"postcode hierarchy: {problem}");
        }
        _length = length;
    }

    public override int Levels => _length + 1;

    public override string Describe() => $"postcode({_length})";

    public static IEnumerable<string> Problems(int? length)
    {
        if (length is not (>= 1 and <= MaxLength))
        {
            yield return $"length is required, between 1 and {MaxLength}";
        }
    }

    /// <summary>The characters the level keeps, padded with zeros to the length (the top level keeps none).</summary>
    public override ColumnReduction Reduction(int level) =>
        level <= 0 ? ColumnReduction.None : new(PushdownReduction.FixedLengthPrefix, Math.Max(0, _length - level), _length);

    public override string? Generalize(ReadOnlySpan<char> value, int level)
    {
        if (value.Length != _length || value.ContainsAnyExcept(Allowed))
        {
            return null;
        }
        if (level == 0)
        {
            return value.ToString();
        }
        if (level >= _length)
        {
            return "*";
        }
        return string.Create(_length, (Value: value.ToString(), Level: level), static (span, s) =>
        {
            s.Value.AsSpan(0, span.Length - s.Level).CopyTo(span);
            span[(span.Length - s.Level)..].Fill('*');
        });
    }
}
