using System.Collections;
using System.Globalization;
using System.Text;
using Npgsql;
using Portal.Connectors.Anonymization.Transforms;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Sources.Postgres;

/// <summary>
/// Builds the export's SQL from catalog names only: every identifier is one the catalog returned, quoted;
/// every value is a parameter. Nothing a user typed is pasted into the text.
/// </summary>
internal sealed class PostgresQueryBuilder(PostgresRelation relation, IReadOnlyList<RowFilter> filters)
{
    public string ColumnExpression(SourceColumn column)
    {
        var (read, _) = Lookup(column.Name);
        var quoted = SqlIdentifier.Quote(column.Name);
        return read == PostgresReadKind.CastToText ? quoted + "::text" : quoted;
    }

    public string ReducedExpression(GroupingColumn g)
    {
        var quoted = SqlIdentifier.Quote(g.Column.Name);
        // Only date columns are truncated in SQL: through "timestamp" (without time zone), which is exact and
        // much cheaper than date_trunc's default timestamptz. Timestamps are grouped raw, no time zone guessing.
        var date = g.Column.Type is ColumnType.Date;
        return g.Reduction switch
        {
            PushdownReduction.TruncateToYear when date => $"date_trunc('year', {quoted}::timestamp)::date",
            PushdownReduction.TruncateToMonth when date => $"date_trunc('month', {quoted}::timestamp)::date",
            PushdownReduction.Prefix when g.Column.Type is ColumnType.Text or ColumnType.Integer => $"left({quoted}::text, {g.ReductionLength.ToString(CultureInfo.InvariantCulture)})",
            _ => ColumnExpression(g.Column),
        };
    }

    public static ColumnType ReducedType(GroupingColumn g) => g.Reduction switch
    {
        PushdownReduction.TruncateToYear or PushdownReduction.TruncateToMonth when g.Column.Type is ColumnType.Date => ColumnType.Date,
        PushdownReduction.Prefix when g.Column.Type is ColumnType.Text or ColumnType.Integer => ColumnType.Text,
        _ => g.Column.Type,
    };

    public static PostgresReadKind ReducedRead(GroupingColumn g, PostgresReadKind original) => g.Reduction switch
    {
        PushdownReduction.TruncateToYear or PushdownReduction.TruncateToMonth when g.Column.Type is ColumnType.Date => PostgresReadKind.Date,
        PushdownReduction.Prefix when g.Column.Type is ColumnType.Text or ColumnType.Integer => PostgresReadKind.Text,
        _ => original,
    };

    public (PostgresReadKind Read, string TypeSql) Lookup(string column) =>
        relation.Types.TryGetValue(column, out var t) ? t : throw new ConnectorException("source.column.missing", $"column '{column}' does not exist in {relation.QualifiedName}");

    public string ConsentPredicate(IReadOnlyList<string> consentColumns)
    {
        if (consentColumns.Count == 0)
        {
            return "TRUE";
        }
        var parts = new List<string>();
        foreach (var c in consentColumns)
        {
            var (read, _) = Lookup(c);
            if (read != PostgresReadKind.Boolean)
            {
                throw new ConnectorException("source.postgres.type_mismatch", $"consent column '{c}' must be boolean in {relation.QualifiedName}");
            }
            // IS TRUE: a NULL consent is no consent.
            parts.Add($"{SqlIdentifier.Quote(c)} IS TRUE");
        }
        return "(" + string.Join(" AND ", parts) + ")";
    }

    /// <summary>The owner's filters as a WHERE fragment (or "TRUE"), adding their parameters to <paramref name="command"/>.</summary>
    public string FilterPredicate(NpgsqlCommand command)
    {
        if (filters.Count == 0)
        {
            return "TRUE";
        }
        var parts = new List<string>();
        foreach (var f in filters)
        {
            var (_, typeSql) = Lookup(f.Column);
            var quoted = SqlIdentifier.Quote(f.Column);
            if (f.Operator is FilterOperator.IsNull or FilterOperator.IsNotNull)
            {
                parts.Add(f.Operator == FilterOperator.IsNull ? $"{quoted} IS NULL" : $"{quoted} IS NOT NULL");
                continue;
            }
            if (f.Value is null)
            {
                throw new ConnectorException("profile.filter.value_required", $"filter on column '{f.Column}': a value is required for {f.Operator}");
            }
            string parameter;
            if (f.Operator == FilterOperator.In)
            {
                if (f.Value is string || f.Value is not IEnumerable values)
                {
                    throw new ConnectorException("profile.filter.list_required", $"filter on column '{f.Column}': In needs a list of values");
                }
                var texts = values.Cast<object?>().Select(ToText).ToArray();
                command.Parameters.Add(new NpgsqlParameter { Value = texts });
                parameter = $"CAST(${command.Parameters.Count} AS {typeSql}[])";
                parts.Add($"{quoted} = ANY({parameter})");
                continue;
            }
            command.Parameters.Add(new NpgsqlParameter { Value = ToText(f.Value) });
            // The type text comes from pg_catalog.format_type, not from the caller.
            parameter = $"CAST(${command.Parameters.Count} AS {typeSql})";
            var op = f.Operator switch
            {
                FilterOperator.Equal => "=",
                FilterOperator.NotEqual => "<>",
                FilterOperator.Less => "<",
                FilterOperator.LessOrEqual => "<=",
                FilterOperator.Greater => ">",
                FilterOperator.GreaterOrEqual => ">=",
                _ => throw new ConnectorException("profile.filter.unknown_operator", $"filter on column '{f.Column}': unknown operator"),
            };
            parts.Add($"{quoted} {op} {parameter}");
        }
        return string.Join(" AND ", parts);
    }

    private static string? ToText(object? value) => value switch
    {
        null => null,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("O", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    public string SelectSql(ReadPlan plan, NpgsqlCommand command)
    {
        var sql = new StringBuilder("SELECT ");
        sql.AppendJoin(", ", plan.Columns.Select(ColumnExpression));
        sql.Append(" FROM ").Append(relation.QualifiedName);
        sql.Append(" WHERE ").Append(FilterPredicate(command));
        sql.Append(" AND ").Append(ConsentPredicate(plan.ConsentColumns));
        return sql.ToString();
    }

    /// <summary>Class sizes of the consenting rows: consent is in the WHERE, so the hash table holds only their groups.</summary>
    public string GroupSql(ReadPlan plan, IReadOnlyList<GroupingColumn> groupBy, NpgsqlCommand command)
    {
        var sql = new StringBuilder("SELECT ");
        foreach (var g in groupBy)
        {
            sql.Append(ReducedExpression(g)).Append(", ");
        }
        sql.Append("count(*)");
        sql.Append(" FROM ").Append(relation.QualifiedName);
        sql.Append(" WHERE ").Append(FilterPredicate(command));
        sql.Append(" AND ").Append(ConsentPredicate(plan.ConsentColumns));
        if (groupBy.Count > 0)
        {
            sql.Append(" GROUP BY ").AppendJoin(", ", Enumerable.Range(1, groupBy.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)));
        }
        return sql.ToString();
    }

    /// <summary>The rows the owner's filters select but consent refuses (the consent predicate is never null: IS TRUE).</summary>
    public string RefusedSql(ReadPlan plan, NpgsqlCommand command) =>
        $"SELECT count(*) FROM {relation.QualifiedName} WHERE {FilterPredicate(command)} AND NOT {ConsentPredicate(plan.ConsentColumns)}";
}
