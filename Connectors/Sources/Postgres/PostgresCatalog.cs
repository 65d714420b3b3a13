using Npgsql;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Sources.Postgres;

internal sealed record PostgresRelation(string SchemaName, string Name, SourceSchema Schema, IReadOnlyDictionary<string, (PostgresReadKind Read, string TypeSql)> Types)
{
    public string QualifiedName => $"{SqlIdentifier.Quote(SchemaName)}.{SqlIdentifier.Quote(Name)}";
}

/// <summary>Schema introspection through pg_catalog; names are bound as parameters and compared exactly.</summary>
public static class PostgresCatalog
{
    private const string ColumnsSql = """
        SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), t.typname, NOT a.attnotnull,
               CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::bigint END
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
        WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
        ORDER BY a.attnum
        """;

    /// <summary>Tables and views the connection can see in <paramref name="schema"/>, for the owner's registration form.</summary>
    public static async Task<IReadOnlyList<string>> ListRelationsAsync(string connectionString, string schema = "public", CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = schema });
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }

    internal static async Task<PostgresRelation?> LoadRelationAsync(NpgsqlConnection connection, string schema, string relation, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ColumnsSql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = schema });
        command.Parameters.Add(new NpgsqlParameter { Value = relation });
        var columns = new List<SourceColumn>();
        var types = new Dictionary<string, (PostgresReadKind, string)>(StringComparer.Ordinal);
        long? estimate = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var name = reader.GetString(0);
            var display = reader.GetString(1);
            var (type, read) = PostgresTypes.Map(reader.GetString(2));
            columns.Add(new SourceColumn(name, type, display, reader.GetBoolean(3)));
            types[name] = (read, display);
            estimate = reader.IsDBNull(4) ? null : reader.GetInt64(4);
        }
        if (columns.Count == 0)
        {
            return null;
        }
        var qualified = $"{SqlIdentifier.Quote(schema)}.{SqlIdentifier.Quote(relation)}";
        return new PostgresRelation(schema, relation, new SourceSchema(qualified, columns, estimate), types);
    }
}
