namespace Portal.Connectors.Sources.Postgres;

public enum FilterOperator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    IsNull,
    IsNotNull,
    In,
}

/// <summary>
/// One condition of an owner-defined selection. The column must exist in the introspected schema;
/// values travel as parameters cast to the column's own type, never as SQL text.
/// </summary>
/// <param name="Value">A scalar (string, number, bool, DateOnly) or, for <see cref="FilterOperator.In"/>, a sequence of them.</param>
public sealed record RowFilter(string Column, FilterOperator Operator, object? Value = null);
