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
        var r = g.Reduction;
        // Only date columns are truncated in SQL: through "timestamp" (without time zone), which is exact and
        // much cheaper than date_trunc's default timestamptz. Timestamps are grouped raw, no time zone guessing.
        return Reduced(g) switch
        {
            PostgresReadKind.Date when r.Kind is PushdownReduction.TruncateToYear => $"date_trunc('year', {quoted}::timestamp)::date",
            PostgresReadKind.Date => $"date_trunc('month', {quoted}::timestamp)::date",
            PostgresReadKind.Text when r.Kind is PushdownReduction.Prefix => $"left({quoted}::text, {Literal(r.Length)})",
            // The text as the stream reads it (char(n) through ::text loses its padding there too).
            PostgresReadKind.Text => FixedLengthPrefix(g.Column.Type is ColumnType.Text ? ColumnExpression(g.Column) : quoted + "::text", r.Length, r.FixedLength),
            PostgresReadKind.Int64 => NumberInterval(quoted, r),
            _ => ColumnExpression(g.Column),
        };
    }

    /// <summary>
    /// PostgreSQL's regular expressions compare bracket ranges by code point, so this is the hierarchy's own test
    /// (exactly that many ASCII letters and digits). Anything else stays as it is and the transform judges it.
    /// </summary>
    private static string FixedLengthPrefix(string text, int keep, int length) =>
        $"CASE WHEN {text} ~ '^[0-9A-Za-z]{{{Literal(length)}}}$' THEN left({text}, {Literal(keep)}) || '{new string('0', length - keep)}' ELSE {text} END";

    /// <summary>
    /// An integer the hierarchy covers becomes one it generalizes alike: below the bottom code the smallest covered
    /// integer, at or above the top code the first integer there, otherwise the start of its interval (or the bottom
    /// code's first integer when the interval starts below it: both lie in the same interval). The start is floored in
    /// bigint arithmetic (x - ((x % w) + w) % w, no overflow within the magnitude): numeric division rounds
    /// 999999999999999999 / 10 to 100000000000000000. Nulls first: greatest() would skip them.
    /// </summary>
    private static string NumberInterval(string x, ColumnReduction r)
    {
        var magnitude = Integer(r.Magnitude);
        var sql = new StringBuilder($"CASE WHEN {x} IS NULL THEN NULL::bigint WHEN {x} < -{magnitude} OR {x} > {magnitude} THEN {x}::bigint");
        if (r.Width == 0)
        {
            return sql.Append(" ELSE 0::bigint END").ToString();
        }
        var floor = r.Min is { } min ? Integer(decimal.Ceiling(min)) : $"-{magnitude}";
        if (r.Min is { } bottom)
        {
            sql.Append(CultureInfo.InvariantCulture, $" WHEN {x} < {Literal(bottom)} THEN -{magnitude}");
        }
        if (r.Max is { } top)
        {
            sql.Append(CultureInfo.InvariantCulture, $" WHEN {x} >= {Literal(top)} THEN {Integer(decimal.Ceiling(top))}::bigint");
        }
        var width = Integer(r.Width) + "::bigint";
        return sql.Append(CultureInfo.InvariantCulture, $" ELSE greatest({x}::bigint - ((({x}::bigint % {width}) + {width}) % {width}), {floor}) END").ToString();
    }

    private static string Literal(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Literal(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A whole number within ±1e18 (the number hierarchy's bounds) as a bigint literal.</summary>
    private static string Integer(decimal value) => ((long)value).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Whether the column falls into few groups in the database: generalized there, or limited to a listed hierarchy's
    /// values. When every quasi-identifier does, the class count reads classes instead of rows.
    /// </summary>
    public static bool GroupsFew(GroupingColumn g) => Reduced(g) is not null || g.Reduction.Kind is PushdownReduction.Listed;

    /// <summary>How the reduced value is read: as the column when it is not reduced.</summary>
    public static PostgresReadKind ReducedRead(GroupingColumn g, PostgresReadKind original) => Reduced(g) ?? original;

    /// <summary>How the reduced value is read; null when this column is grouped as it is.</summary>
    private static PostgresReadKind? Reduced(GroupingColumn g) => (g.Reduction.Kind, g.Column.Type) switch
    {
        (PushdownReduction.TruncateToYear or PushdownReduction.TruncateToMonth, ColumnType.Date) => PostgresReadKind.Date,
        (PushdownReduction.Prefix or PushdownReduction.FixedLengthPrefix, ColumnType.Text or ColumnType.Integer) => PostgresReadKind.Text,
        // Integral widths only: the representative must be an integer like the column's values.
        (PushdownReduction.NumberInterval, ColumnType.Integer) when decimal.IsInteger(g.Reduction.Width) => PostgresReadKind.Int64,
        _ => null,
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
