using System.Globalization;
using Npgsql;
using Portal.Connectors.Anonymization.Hierarchies;
using Portal.Connectors.Anonymization.Transforms;
using Portal.Connectors.Rows;
using Portal.Connectors.Sources;
using Portal.Connectors.Sources.Postgres;
using Portal.Tests.Infrastructure;

namespace Portal.Connectors.Tests.Hierarchies;

/// <summary>
/// The class count in PostgreSQL groups by the built hierarchies' reduced values (a date's year, a postcode's kept
/// prefix, a number's interval): generalizing the value PostgreSQL reduced must give what generalizing the original
/// gives, on every edge value, the ones the hierarchy does not cover included.
/// </summary>
public sealed class HierarchyPushdownTests : IAsyncLifetime
{
    private const string NotCovered = "(not covered)";

    private static readonly string[] Dates =
    [
        "2024-02-29", "2023-02-28", "2023-03-01", "2000-02-29", "1900-02-28", "1900-03-01", "1999-12-31", "2000-01-01",
        "1980-01-01", "1984-12-31", "1985-01-01", "1989-12-31", "1990-01-01", "2019-12-31", "2020-01-01", "0001-01-01",
        "9999-12-31", "1970-01-01",
    ];

    private static readonly long[] Numbers =
    [
        long.MinValue, long.MaxValue, -1_000_000_000_000_000_001, -1_000_000_000_000_000_000, -999_999_999_999_999_999,
        999_999_999_999_999_999, 1_000_000_000_000_000_000, 1_000_000_000_000_000_001, -101, -100, -51, -50, -11, -10, -6,
        -5, -1, 0, 1, 2, 3, 4, 5, 9, 10, 49, 50, 97, 98, 99, 100, 101, 150, 1000, int.MinValue, int.MaxValue,
    ];

    private static readonly string[] Postcodes =
    [
        "12345", "00000", "99999", "ab1Z9", "1234", "123456", "123", "12", "1", "", " 12345", "12345 ", "12 45", "É1234",
        "١٢٣٤٥", "1234-", "12345\n", "ABCDE", "zzzzz", "10115", "10117",
    ];

    private readonly TestDatabase _db = TestDatabase.Create("conn_pushdown");

    public async Task InitializeAsync()
    {
        var rows = new[] { Dates.Length, Numbers.Length, Postcodes.Length }.Max() + 1;
        await ExecuteAsync("CREATE TABLE edges (id int, d date, n bigint, i int, p text, pi int, ok boolean)");
        await using var connection = await OpenAsync();
        for (var r = 0; r < rows; r++)
        {
            // The last row is all nulls; the integer postcodes are the text ones that are integers.
            await using var insert = new NpgsqlCommand("INSERT INTO edges VALUES ($1, $2, $3, $4, $5, $6, true)", connection);
            var number = r < Numbers.Length ? Numbers[r] : (long?)null;
            var postcode = r < Postcodes.Length ? Postcodes[r] : null;
            insert.Parameters.Add(new NpgsqlParameter { Value = r });
            insert.Parameters.Add(new NpgsqlParameter { Value = r < Dates.Length ? DateOnly.ParseExact(Dates[r], "yyyy-MM-dd", CultureInfo.InvariantCulture) : DBNull.Value });
            insert.Parameters.Add(new NpgsqlParameter { Value = number is { } n ? n : DBNull.Value });
            insert.Parameters.Add(new NpgsqlParameter { Value = number is { } m and >= int.MinValue and <= int.MaxValue ? (int)m : DBNull.Value });
            insert.Parameters.Add(new NpgsqlParameter { Value = postcode is null ? DBNull.Value : postcode });
            insert.Parameters.Add(new NpgsqlParameter { Value = int.TryParse(postcode, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var pi) ? pi : DBNull.Value });
            await insert.ExecuteNonQueryAsync();
        }
        // Many days over many years, for the count: PostgreSQL must return years, not days.
        await ExecuteAsync("INSERT INTO edges (id, d, n, i, p, ok) SELECT 1000 + g, DATE '1950-01-01' + g * 7, g * 37 - 20000, g * 37 - 20000, lpad((g * 7919 % 100000)::text, 5, '0'), true FROM generate_series(0, 4000) g");
    }

    public Task DisposeAsync()
    {
        _db.Dispose();
        return Task.CompletedTask;
    }

    public static TheoryData<string, string, int> Cases()
    {
        var cases = new TheoryData<string, string, int>();
        void Add(string column, HierarchyBuild build)
        {
            var json = System.Text.Json.JsonSerializer.Serialize(build);
            for (var level = 0; level < build.Create().Levels; level++)
            {
                cases.Add(column, json, level);
            }
        }
        Add("d", new HierarchyBuild { Kind = HierarchyBuild.Date, Steps = [DateHierarchy.Month, DateHierarchy.Year, DateHierarchy.FiveYears, DateHierarchy.TenYears] });
        Add("d", new HierarchyBuild { Kind = HierarchyBuild.Date, Steps = [DateHierarchy.Year, DateHierarchy.TenYears] });
        Add("d", new HierarchyBuild { Kind = HierarchyBuild.Date, Steps = [DateHierarchy.FiveYears] });
        foreach (var column in new[] { "n", "i" })
        {
            Add(column, new HierarchyBuild { Kind = HierarchyBuild.Number, Widths = [5, 10, 50] });
            Add(column, new HierarchyBuild { Kind = HierarchyBuild.Number, Widths = [10, 100], Min = 3, Max = 97.5m });
            Add(column, new HierarchyBuild { Kind = HierarchyBuild.Number, Widths = [7], Min = -1_000_000_000_000_000_000m, Max = 1_000_000_000_000_000_000m });
            Add(column, new HierarchyBuild { Kind = HierarchyBuild.Number, Widths = [1_000_000_000_000_000_000m], Min = -50.5m });
            Add(column, new HierarchyBuild { Kind = HierarchyBuild.Number, Widths = [0.5m, 1] });
        }
        foreach (var column in new[] { "p", "pi" })
        {
            Add(column, new HierarchyBuild { Kind = HierarchyBuild.Postcode, Length = 5 });
            Add(column, new HierarchyBuild { Kind = HierarchyBuild.Postcode, Length = 3 });
            Add(column, new HierarchyBuild { Kind = HierarchyBuild.Postcode, Length = 1 });
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Generalizing_what_PostgreSQL_reduced_gives_the_original_values_generalization(string column, string build, int level)
    {
        var spec = System.Text.Json.JsonSerializer.Deserialize<HierarchyBuild>(build)!;
        var transform = new HierarchyTransform(spec.Create(), level, "edge");
        var (sql, grouping) = await ReducedAsync(column, transform);
        // Intervals narrower than one stay raw on integer columns; everything else above level 0 is reduced.
        if (spec.Widths?.Any(w => !decimal.IsInteger(w)) != true)
        {
            Assert.Equal(level > 0, sql != SqlIdentifier.Quote(column));
        }

        await using var connection = await OpenAsync();
        await using var select = new NpgsqlCommand($"SELECT {SqlIdentifier.Quote(column)}, {sql} FROM edges ORDER BY id", connection);
        await using var reader = await select.ExecuteReaderAsync();
        var compared = 0;
        while (await reader.ReadAsync())
        {
            var original = Read(reader, 0);
            var reduced = Read(reader, 1);
            Assert.True(Generalize(transform, original) == Generalize(transform, reduced),
                $"{column} = '{original}' generalizes to '{Generalize(transform, original)}' at level {level} of {build}, but its reduction '{reduced}' (by {sql}) to '{Generalize(transform, reduced)}'");
            compared++;
        }
        Assert.True(compared > 4000);
        Assert.Equal(PushdownReduction.None == grouping.Reduction.Kind, level == 0);
    }

    [Theory]
    [InlineData("d", """{ "Kind": "date", "Steps": ["month", "year", "5years", "10years"] }""", 4)]
    [InlineData("n", """{ "Kind": "number", "Widths": [100, 1000], "Min": -10000, "Max": 100000 }""", 2)]
    [InlineData("p", """{ "Kind": "postcode", "Length": 5 }""", 4)]
    public async Task The_class_count_groups_the_generalized_values_not_the_raw_ones(string column, string build, int level)
    {
        var transform = new HierarchyTransform(System.Text.Json.JsonSerializer.Deserialize<HierarchyBuild>(build)!.Create(), level, "edge");
        var (_, grouping) = await ReducedAsync(column, transform);
        var source = new PostgresSource(new PostgresSourceOptions { ConnectionString = _db.ConnectionString, Relation = "edges", ClassCount = PostgresClassCount.GroupBy });
        var schema = await source.DescribeAsync();
        var plan = new ReadPlan([schema.Find(column)!], ["ok"]);
        var labels = new Dictionary<string, long>(StringComparer.Ordinal);
        var groups = 0;
        await using (var session = await source.OpenSessionAsync(default))
        {
            Assert.True(await session.CountGroupsAsync(plan, [grouping], (reduced, consented, _) =>
            {
                groups++;
                var label = Generalize(transform, reduced[0]);
                labels[label] = labels.GetValueOrDefault(label) + consented;
            }, refused: false, default));
        }

        var expected = new Dictionary<string, long>(StringComparer.Ordinal);
        long distinct;
        await using (var connection = await OpenAsync())
        {
            await using var select = new NpgsqlCommand($"SELECT {SqlIdentifier.Quote(column)} FROM edges", connection);
            await using var reader = await select.ExecuteReaderAsync();
            var values = new HashSet<Cell>();
            while (await reader.ReadAsync())
            {
                var value = Read(reader, 0);
                values.Add(value);
                var label = Generalize(transform, value);
                expected[label] = expected.GetValueOrDefault(label) + 1;
            }
            distinct = values.Count;
        }
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), labels.OrderBy(e => e.Key, StringComparer.Ordinal));
        // The edge values the hierarchy does not cover stay raw; every covered value joins its generalized group.
        Assert.True(groups < distinct / 10, $"{groups} groups for {distinct} distinct values: the count did not group by the generalized value");
    }

    private async Task<(string Sql, GroupingColumn Grouping)> ReducedAsync(string column, ColumnTransform transform)
    {
        await using var connection = await OpenAsync();
        var relation = (await PostgresCatalog.LoadRelationAsync(connection, "public", "edges", default))!;
        var grouping = new GroupingColumn(relation.Schema.Find(column)!, transform.Reduction);
        return (new PostgresQueryBuilder(relation, []).ReducedExpression(grouping), grouping);
    }

    private static Cell Read(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? Cell.Null : reader.GetValue(ordinal) switch
    {
        DateTime d => Cell.FromDate(DateOnly.FromDateTime(d)),
        DateOnly d => Cell.FromDate(d),
        int i => Cell.FromInteger(i),
        long l => Cell.FromInteger(l),
        string s => Cell.FromText(s),
        var other => throw new InvalidOperationException($"unexpected {other.GetType()}"),
    };

    private static string Generalize(ColumnTransform transform, Cell value)
    {
        try
        {
            var general = transform.Apply(value, Cell.Null);
            return general.IsNull ? "(null)" : general.ToString();
        }
        catch (CellConversionException)
        {
            return NotCovered;
        }
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(_db.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
