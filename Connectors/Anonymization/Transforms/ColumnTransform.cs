using Portal.Connectors.Rows;

namespace Portal.Connectors.Anonymization.Transforms;

/// <summary>How the database may pre-reduce a quasi-identifier before grouping, such that applying the transform to the reduced value gives the same result as applying it to the original.</summary>
public enum PushdownReduction
{
    None,
    TruncateToYear,
    TruncateToMonth,
    Prefix,
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

    public virtual PushdownReduction Reduction => PushdownReduction.None;

    public virtual int ReductionLength => 0;

    /// <param name="value">The column's value.</param>
    /// <param name="subject">The row's subject identifier (null cell when the profile names none).</param>
    public abstract Cell Apply(Cell value, Cell subject);

    protected static bool IsTemporal(ColumnType t) => t is ColumnType.Date or ColumnType.Timestamp or ColumnType.Text;

    protected static bool IsNumeric(ColumnType t) => t is ColumnType.Integer or ColumnType.Real or ColumnType.Text;
}
