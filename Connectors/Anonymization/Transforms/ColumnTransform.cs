using Portal.Connectors.Rows;

namespace Portal.Connectors.Anonymization.Transforms;

/// <summary>How the database may pre-reduce a quasi-identifier before grouping, such that applying the transform to the reduced value gives the same result as applying it to the original.</summary>
public enum PushdownReduction
{
    None,
    TruncateToYear,
    TruncateToMonth,

    /// <summary>The first <see cref="ColumnReduction.Length"/> characters.</summary>
    Prefix,

    /// <summary>
    /// A value of exactly <see cref="ColumnReduction.FixedLength"/> ASCII letters and digits keeps its first
    /// <see cref="ColumnReduction.Length"/> characters and is padded with zeros to its length; any other value is left as
    /// it is (the transform then judges it as it would have).
    /// </summary>
    FixedLengthPrefix,

    /// <summary>
    /// An integer within ±<see cref="ColumnReduction.Magnitude"/> becomes a representative of its interval of
    /// <see cref="ColumnReduction.Width"/> (or of its bottom or top code, <see cref="ColumnReduction.Min"/> and
    /// <see cref="ColumnReduction.Max"/>); a width of zero makes every such integer one value. Others are left as they are.
    /// </summary>
    NumberInterval,

    /// <summary>Not reduced, but the transform accepts only the values a table lists (a hierarchy file or category spec): at most that many groups.</summary>
    Listed,
}

/// <summary>A <see cref="PushdownReduction"/> with what it needs; <see cref="None"/> leaves the value as the source has it.</summary>
public sealed record ColumnReduction(PushdownReduction Kind, int Length = 0, int FixedLength = 0, decimal Width = 0, decimal? Min = null, decimal? Max = null, decimal Magnitude = 0)
{
    public static readonly ColumnReduction None = new(PushdownReduction.None);
}

/// <summary>
/// One column's transform, bound to one export (its key and scratch buffers). Text results may point
/// into the transform's own buffer, valid until the next call: the pipeline writes a row before it reads the next.
/// </summary>
public abstract class ColumnTransform
{
    public abstract string Describe();

    /// <summary>The type of the values this transform produces from an input column of <paramref name="input"/>.</summary>
    public virtual ColumnType OutputType(ColumnType input) => ColumnType.Text;

    /// <summary>Whether the transform can take this input; text is accepted everywhere and parsed per value.</summary>
    public virtual bool Accepts(ColumnType input) => true;

    public virtual ColumnReduction Reduction => ColumnReduction.None;

    /// <param name="value">The column's value.</param>
    /// <param name="subject">The row's subject identifier (null cell when the profile names none).</param>
    public abstract Cell Apply(Cell value, Cell subject);

    protected static bool IsTemporal(ColumnType t) => t is ColumnType.Date or ColumnType.Timestamp or ColumnType.Text;

    protected static bool IsNumeric(ColumnType t) => t is ColumnType.Integer or ColumnType.Real or ColumnType.Text;
}
